using System.Text.Json;
using DrsBot.Drs;
using DrsBot.Rendering;
using DrsBot.Slack;
using Hangfire;
using Microsoft.Extensions.Options;

namespace DrsBot.Watching;

/// <summary>
/// The recurring job behind a watched comparison: one DRS call, the rules for every subscribed channel, then
/// delivery of whatever is owed. Decisions and their rendered messages are committed together before anything
/// is posted, so a crash or a Slack outage can delay a notification but never lose or duplicate a decision.
/// </summary>
[AutomaticRetry(Attempts = 0, LogEvents = false)] // the next scheduled poll is the retry
public sealed partial class PollComparisonJob(
    IDrsClient drs,
    IWatchStore store,
    WatchScheduler scheduler,
    NotificationDelivery delivery,
    IOptions<WatchOptions> options,
    TimeProvider time,
    ILogger<PollComparisonJob> logger)
{
    /// <summary>Hangfire passes the comparison's key, never an object: jobs stay small and survive upgrades.</summary>
    public async Task RunAsync(string comparisonKey, CancellationToken ct)
    {
        if (ComparisonRef.FromKey(comparisonKey) is not { } comparison)
        {
            LogBadKey(logger, comparisonKey);
            return;
        }

        // A poll still running (slow DRS, Slack retrying) makes the next one unnecessary, on any replica.
        using var polling = store.TryLock(comparison, WatchLock.Poll, TimeSpan.Zero);
        if (polling is null)
        {
            LogBusy(logger, comparison.Key);
            return;
        }

        if (!store.Subscriptions(comparison).Any(s => !s.IsSuspended))
        {
            StopIfIdle(comparison);
            return;
        }

        // The DRS call happens outside the state lock, so subscribe and unsubscribe never wait for DRS.
        var result = await drs.GetCompareProgressAsync(comparison, DrsCallKind.Background, ct);
        var stop = Decide(comparison, result, time.GetUtcNow());

        await delivery.DeliverAsync(comparison, ct);

        if (stop)
        {
            using var state = store.LockState(comparison);
            store.RemoveWatch(comparison);
            scheduler.Unschedule(comparison);
            LogStopped(logger, comparison.Key);
        }
    }

    /// <summary>Applies the rules to the subscriptions as they are now and commits states and outboxes at once.</summary>
    private bool Decide(ComparisonRef comparison, CompareProgressResult result, DateTimeOffset now)
    {
        using var state = store.LockState(comparison);
        var active = store.Subscriptions(comparison).Where(s => !s.IsSuspended).ToList();
        if (active.Count == 0)
        {
            return false; // everyone left while DRS was answering; writing now would bring the watch back
        }

        var watch = store.GetWatch(comparison) ?? new WatchRecord(comparison, now);
        Observation observation = result switch
        {
            ProgressRead read => new Reading(read.Progress),
            ProgressFailed failed => new Failed(failed.Failure),
            _ => throw new InvalidOperationException("Unknown DRS result."),
        };
        watch = observation switch
        {
            Reading r => watch with { LastProgress = r.Progress, LastReadAt = now },
            Failed f => watch with { LastFailure = f.Failure, LastFailureAt = now },
            _ => watch,
        };

        var stop = false;
        var updated = new List<Subscription>();
        foreach (var subscription in active)
        {
            var decision = WatchRules.Decide(subscription.Rules, observation, options.Value.Rules);
            stop |= decision.StopWatching;
            var pending = subscription.Pending.AddRange(decision.Notifications.Select(kind =>
                Pending(kind, subscription, watch, observation, decision.State.FailureStreak, now)));
            updated.Add(subscription with { Rules = decision.State, Pending = pending });
            foreach (var kind in decision.Notifications)
            {
                LogDecided(logger, kind, comparison.Key, subscription.ChannelId);
            }
        }

        store.Save(watch, updated);
        return stop;
    }

    private void StopIfIdle(ComparisonRef comparison)
    {
        using var state = store.LockState(comparison);
        var subscriptions = store.Subscriptions(comparison);
        if (subscriptions.Any(s => !s.IsSuspended))
        {
            return; // someone subscribed meanwhile
        }

        // Nobody is listening (all unsubscribed or paused): stop spending DRS calls. Paused ones stay for list.
        if (subscriptions.Count == 0)
        {
            store.RemoveWatch(comparison);
        }

        scheduler.Unschedule(comparison);
        LogIdle(logger, comparison.Key);
    }

    private static PendingNotification Pending(
        NotificationKind kind, Subscription subscription, WatchRecord watch, Observation observation, int failedPolls, DateTimeOffset now)
    {
        var failure = (observation as Failed)?.Failure;
        var progress = (observation as Reading)?.Progress ?? watch.LastProgress;
        var message = NotificationMessages.Render(kind, subscription, progress, failure, failedPolls, now);
        return new PendingNotification(
            $"{subscription.Comparison.Key}/{subscription.ChannelId}/{kind}/{now.ToUnixTimeMilliseconds()}",
            kind,
            JsonSerializer.Serialize(message, SlackJson.Options),
            now);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Decided {Kind} for {Comparison} in {Channel}")]
    private static partial void LogDecided(ILogger logger, NotificationKind kind, string comparison, string channel);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped watching {Comparison}: DRS no longer knows it")]
    private static partial void LogStopped(ILogger logger, string comparison);

    [LoggerMessage(Level = LogLevel.Information, Message = "No active subscriptions for {Comparison}; its poll job is removed")]
    private static partial void LogIdle(ILogger logger, string comparison);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Skipped a poll of {Comparison}: another poll is still running")]
    private static partial void LogBusy(ILogger logger, string comparison);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a poll job with a malformed key {Key}")]
    private static partial void LogBadKey(ILogger logger, string key);
}
