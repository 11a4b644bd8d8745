using System.Collections.Immutable;
using DrsBot.Commands;
using DrsBot.Drs;
using DrsBot.Rendering;
using DrsBot.Slack;

namespace DrsBot.Watching;

/// <summary>subscribe, unsubscribe and list: the only places that change who watches what.</summary>
public sealed partial class SubscriptionCommands(
    IDrsClient drs,
    IWatchStore store,
    WatchScheduler scheduler,
    TimeProvider time,
    ILogger<SubscriptionCommands> logger)
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

    public async Task<SlackMessage> SubscribeAsync(SlashCommand command, SubscribeCommand subscribe, CancellationToken ct)
    {
        if (!IsChannelId(command.ChannelId))
        {
            return SubscriptionMessages.NoChannel();
        }

        // Subscribing checks with DRS first: a typo should fail now, not as "comparison gone" a minute later.
        var comparison = subscribe.Comparison;
        var result = await drs.GetCompareProgressAsync(comparison, DrsCallKind.Interactive, ct);
        var now = time.GetUtcNow();
        if (result is ProgressFailed failed)
        {
            var refusal = FailureMessages.Render(comparison, failed.Failure, now);
            return refusal with { Text = "Not subscribed. " + refusal.Text };
        }

        var progress = ((ProgressRead)result).Progress;
        using var held = store.LockState(comparison, LockTimeout);

        var existing = store.GetSubscription(comparison, command.ChannelId);
        var mentions = subscribe.Mentions.ToImmutableArray();
        var subscription = existing is { IsSuspended: false }
            ? existing with { Mentions = mentions }
            : new Subscription(comparison, command.ChannelId, mentions, command.UserId, now, RuleState.Baseline(progress));

        var watch = (store.GetWatch(comparison) ?? new WatchRecord(comparison, now)) with { LastProgress = progress, LastReadAt = now };
        store.Save(watch, [subscription]);
        scheduler.Schedule(comparison);
        LogSubscribed(logger, comparison.Key, command.ChannelId, existing is not null);

        return SubscriptionMessages.Subscribed(command.UserId, comparison, mentions, existing is { IsSuspended: false }, progress, now);
    }

    public Task<SlackMessage> UnsubscribeAsync(SlashCommand command, UnsubscribeCommand unsubscribe)
    {
        var comparison = unsubscribe.Comparison;
        if (!IsChannelId(command.ChannelId))
        {
            return Task.FromResult(SubscriptionMessages.NoChannel());
        }

        using var held = store.LockState(comparison, LockTimeout);
        if (store.GetSubscription(comparison, command.ChannelId) is not { } subscription)
        {
            return Task.FromResult(SubscriptionMessages.NotSubscribed(comparison));
        }

        store.Remove(subscription);
        if (store.Subscriptions(comparison).Count == 0)
        {
            store.RemoveWatch(comparison);
            scheduler.Unschedule(comparison);
        }

        LogUnsubscribed(logger, comparison.Key, command.ChannelId);
        return Task.FromResult(SubscriptionMessages.Unsubscribed(command.UserId, comparison));
    }

    public Task<SlackMessage> ListAsync(SlashCommand command)
    {
        if (!IsChannelId(command.ChannelId))
        {
            return Task.FromResult(SubscriptionMessages.NoChannel());
        }

        var items = store.SubscriptionsOfChannel(command.ChannelId)
            .Select(s => (s, store.GetWatch(s.Comparison)))
            .ToList();
        return Task.FromResult(SubscriptionMessages.List(items));
    }

    /// <summary>Slack channel ids (C…, G…, D…) are short upper-case alphanumerics; they become storage keys.</summary>
    private static bool IsChannelId(string id) =>
        id.Length is >= 2 and <= 32 && id.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c));

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscribed {Channel} to {Comparison} (update: {Update})")]
    private static partial void LogSubscribed(ILogger logger, string comparison, string channel, bool update);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unsubscribed {Channel} from {Comparison}")]
    private static partial void LogUnsubscribed(ILogger logger, string comparison, string channel);
}
