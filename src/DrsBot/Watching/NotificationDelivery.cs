using System.Text.Json;
using DrsBot.Drs;
using DrsBot.Slack;

namespace DrsBot.Watching;

/// <summary>
/// Drains the outbox of every subscription to one comparison, oldest first. Called within a poll (which holds
/// the comparison's poll lock, so no two drains overlap); each post's outcome is written back under the state
/// lock to the subscription as it is then, so a concurrent subscribe or unsubscribe is never overwritten.
/// A channel Slack will not post to is paused with the reason kept for <c>list</c>; anything else stays queued.
/// </summary>
public sealed partial class NotificationDelivery(
    IWatchStore store, IChannelPoster poster, TimeProvider time, ILogger<NotificationDelivery> logger)
{
    public async Task DeliverAsync(ComparisonRef comparison, CancellationToken ct)
    {
        foreach (var channel in store.Subscriptions(comparison).Select(s => s.ChannelId))
        {
            await DrainAsync(comparison, channel, ct);
        }
    }

    private async Task DrainAsync(ComparisonRef comparison, string channel, CancellationToken ct)
    {
        while (store.GetSubscription(comparison, channel) is { IsSuspended: false, Pending: [var next, ..] })
        {
            var message = JsonSerializer.Deserialize<SlackMessage>(next.MessageJson, SlackJson.Options)!;
            var result = await poster.PostAsync(channel, message, ct);
            var delivered = Record(comparison, channel, next, result);
            if (!delivered)
            {
                return;
            }
        }
    }

    /// <summary>Writes one post's outcome; false when draining this channel should stop for now.</summary>
    private bool Record(ComparisonRef comparison, string channel, PendingNotification sent, PostResult result)
    {
        using var state = store.LockState(comparison);
        if (store.GetSubscription(comparison, channel) is not { } current)
        {
            return false; // unsubscribed while we were posting
        }

        var others = current.Pending.RemoveAll(p => p.Id == sent.Id);
        switch (result.Outcome)
        {
            case PostOutcome.Delivered:
                store.Save(current with { Pending = others });
                LogDelivered(logger, sent.Kind, comparison.Key, channel, sent.Attempts + 1);
                return true;
            case PostOutcome.ChannelUnavailable:
                store.Save(current with { Pending = [], SuspendedReason = result.Error, SuspendedAt = time.GetUtcNow() });
                LogSuspended(logger, comparison.Key, channel, result.Error);
                return false;
            case PostOutcome.Rejected:
                // Even the plain-text fallback was refused: holding it would block every later notification.
                store.Save(current with { Pending = others });
                LogDropped(logger, sent.Kind, channel, result.Error);
                return true;
            default:
                var retried = current.Pending.Select(p => p.Id == sent.Id ? p with { Attempts = p.Attempts + 1 } : p);
                store.Save(current with { Pending = [.. retried] });
                LogDeferred(logger, sent.Kind, channel, result.Error);
                return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Posted {Kind} for {Comparison} to {Channel} (attempt {Attempt})")]
    private static partial void LogDelivered(ILogger logger, NotificationKind kind, string comparison, string channel, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Paused {Comparison} in {Channel}: Slack said {Reason}")]
    private static partial void LogSuspended(ILogger logger, string comparison, string channel, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Slack rejected {Kind} for {Channel} even as plain text ({Error}); dropped it")]
    private static partial void LogDropped(ILogger logger, NotificationKind kind, string channel, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not post {Kind} to {Channel} ({Error}); it stays queued for the next poll")]
    private static partial void LogDeferred(ILogger logger, NotificationKind kind, string channel, string? error);
}
