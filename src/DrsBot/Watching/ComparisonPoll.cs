using System.Text.Json;
using DrsBot.Infrastructure;
using Microsoft.Extensions.Options;

namespace DrsBot.Watching;

/// <summary>
/// One poll of one leased comparison: one DRS call, the rules for every subscribed channel, then delivery of
/// whatever is owed. Decisions and their rendered messages are committed in one store update before anything is
/// posted, so a crash or a Slack outage can delay a notification but never lose or duplicate a decision.
/// </summary>
public sealed partial class ComparisonPoll(
    IProgressSource drs,
    IWatchStore store,
    INotificationDelivery delivery,
    IOptions<WatchOptions> options,
    DrsBotMetrics metrics,
    DrsCallBudgets budgets,
    ILogger<ComparisonPoll> logger)
{
    public async Task RunAsync(LeaseKeeper lease, CancellationToken ct)
    {
        var comparison = lease.Lease.Comparison;
        var needsReading = await store.GetAsync(comparison, ct) is { NeedsReading: true };
        if (needsReading && !budgets.For(comparison).TryPoll())
        {
            LogOverBudget(logger, comparison.Key); // read at its next slot; its outbox still drains
        }
        else if (needsReading)
        {
            // No store lock is held during the DRS call, so subscribe and unsubscribe never wait for DRS.
            var result = await drs.GetCompareProgressAsync(comparison, DrsCallKind.Background, ct);
            var now = store.Clock.GetUtcNow(); // the store's clock: readings from every replica are ordered on it
            // A poll that outlived its lease (a slow DRS, a starved process) may be overtaken by a newer one: only
            // the lease holder may commit what it read.
            if (!await lease.ConfirmAsync(ct))
            {
                LogLeaseLost(logger, comparison.Key);
                return;
            }

            var decided = new List<(NotificationKind Kind, string Channel)>();
            var dropped = new List<(PendingNotification Note, string Channel)>();
            await store.UpdateAsync(comparison, current => Decide(current, result, now, decided, dropped), ct);
            foreach (var (note, channel) in dropped)
            {
                metrics.Notification(DrsBotMetrics.Tag(note.Kind), "dropped");
                LogOutboxFull(logger, note.Kind, comparison.Key, channel, options.Value.MaxOutbox);
            }

            foreach (var (kind, channel) in decided)
            {
                metrics.Notification(DrsBotMetrics.Tag(kind), "decided");
                LogDecided(logger, kind, comparison.Key, channel);
            }

            if (decided.Any(d => d.Kind == NotificationKind.ComparisonGone))
            {
                LogGone(logger, comparison.Key);
            }
        }

        // A comparison DRS no longer knows is not read again, but what it owes the channels is still delivered.
        await delivery.DeliverAsync(lease, ct);
        await delivery.RefreshParentsAsync(lease, ct);
    }

    /// <summary>The rules applied to the record as it is now; runs under the store's lock, so it does no I/O.</summary>
    internal WatchRecord? Decide(
        WatchRecord? record, CompareProgressResult result, DateTimeOffset now,
        List<(NotificationKind, string)> decided, List<(PendingNotification, string)> dropped)
    {
        decided.Clear();
        dropped.Clear();
        if (record is not { NeedsReading: true })
        {
            return record; // everyone left (or paused) while DRS was answering
        }

        if (record.LastReadAt > now || record.LastFailureAt > now)
        {
            // A newer observation is already committed: applying this older one would replay the past (re-arm a
            // completion, or hide a transition), so it is dropped.
            return record;
        }

        Observation observation = result switch
        {
            ProgressRead read => new Reading(read.Progress),
            ProgressFailed failed => new Failed(failed.Failure),
            _ => throw new InvalidOperationException("Unknown DRS result."),
        };
        record = observation switch
        {
            Reading r => record.Read(r.Progress, now),
            Failed f => record with { LastFailure = f.Failure, LastFailureAt = now },
            _ => record,
        };

        var gone = false;
        foreach (var subscription in record.Subscriptions.Where(s => !s.IsPaused))
        {
            var decision = WatchRules.Decide(subscription.Rules, observation, options.Value.Rules, now);
            gone |= decision.StopWatching;
            var failedPolls = decision.State.FailureStreak;
            var current = record;
            var (next, queued) = OnCall.Apply(subscription, decision.State, decision.Notifications, now,
                new ReAlertSettings(options.Value.ReAlertAfter, options.Value.MaxReAlerts),
                kind => Pending(kind, subscription, current, observation, failedPolls, now));
            var pending = next.Pending;
            // A Slack that refuses for days must not grow an outbox without end: the oldest news goes first.
            var excess = pending.Count - options.Value.MaxOutbox;
            if (excess > 0)
            {
                dropped.AddRange(pending.Take(excess).Select(p => (p, subscription.ChannelId)));
                pending = pending.RemoveRange(0, excess);
            }

            record = record.With(next with { Rules = decision.State, Pending = pending });
            decided.AddRange(queued.Select(p => (p.Kind, subscription.ChannelId)));
        }

        return gone ? record with { GoneAt = now } : record;
    }

    private static PendingNotification Pending(
        NotificationKind kind, Subscription subscription, WatchRecord watch, Observation observation, int failedPolls, DateTimeOffset now)
    {
        // The decision and its facts, not a message: delivery renders it, with the wording of the day it is posted.
        var failure = (observation as Failed)?.Failure;
        var progress = (observation as Reading)?.Progress ?? watch.LastProgress;
        var id = $"{subscription.Comparison.Key}/{subscription.ChannelId}/{kind}/{now.ToUnixTimeMilliseconds()}";
        return new PendingNotification(id, kind, now)
        {
            Facts = NotificationFacts.Of(subscription, progress, failure, failedPolls),
            AlertId = OnCall.IsAlert(kind) ? id : null,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipped reading {Comparison} this time: the polls' part of Drs:MaxCallsPerMinute is used up for this minute")]
    private static partial void LogOverBudget(ILogger logger, string comparison);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A poll of {Comparison} lost its lease before committing; what it read is dropped, the lease holder reads again")]
    private static partial void LogLeaseLost(ILogger logger, string comparison);

    [LoggerMessage(Level = LogLevel.Information, Message = "Decided {Kind} for {Comparison} in {Channel}")]
    private static partial void LogDecided(ILogger logger, NotificationKind kind, string comparison, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped {Kind} for {Comparison} in {Channel} undelivered: its outbox holds {Max} at most (Watch:MaxOutbox)")]
    private static partial void LogOutboxFull(ILogger logger, NotificationKind kind, string comparison, string channel, int max);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped watching {Comparison}: DRS no longer knows it; its alerts are delivered before it is forgotten")]
    private static partial void LogGone(ILogger logger, string comparison);
}
