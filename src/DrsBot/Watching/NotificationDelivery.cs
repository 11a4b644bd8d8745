using System.Text.Json;
using DrsBot.Drs;
using DrsBot.Slack;

namespace DrsBot.Watching;

/// <summary>
/// Drains the outbox of every subscription to one comparison, oldest first, removing each notification only
/// once Slack has accepted it. Callers hold the comparison's lock. A channel Slack will not post to is paused
/// with the reason kept for <c>list</c>; anything else stays queued for the next poll.
/// </summary>
public sealed partial class NotificationDelivery(
    IWatchStore store, IChannelPoster poster, TimeProvider time, ILogger<NotificationDelivery> logger)
{
    public async Task DeliverAsync(ComparisonRef comparison, CancellationToken ct)
    {
        foreach (var subscription in store.Subscriptions(comparison))
        {
            await DeliverAsync(subscription, ct);
        }
    }

    private async Task DeliverAsync(Subscription subscription, CancellationToken ct)
    {
        var current = subscription;
        while (!current.IsSuspended && current.Pending.Count > 0)
        {
            var next = current.Pending[0];
            var message = JsonSerializer.Deserialize<SlackMessage>(next.MessageJson, SlackJson.Options)!;
            var result = await poster.PostAsync(current.ChannelId, message, ct);

            switch (result.Outcome)
            {
                case PostOutcome.Delivered:
                    current = current with { Pending = current.Pending.RemoveAt(0) };
                    LogDelivered(logger, next.Kind, current.Comparison.Key, current.ChannelId, next.Attempts + 1);
                    break;
                case PostOutcome.ChannelUnavailable:
                    current = current with { Pending = [], SuspendedReason = result.Error, SuspendedAt = time.GetUtcNow() };
                    LogSuspended(logger, current.Comparison.Key, current.ChannelId, result.Error);
                    break;
                case PostOutcome.Rejected:
                    // Even the plain-text fallback was refused: holding it would block every later notification.
                    current = current with { Pending = current.Pending.RemoveAt(0) };
                    LogDropped(logger, next.Kind, current.ChannelId, result.Error);
                    break;
                default:
                    store.Save(current with { Pending = current.Pending.SetItem(0, next with { Attempts = next.Attempts + 1 }) });
                    LogDeferred(logger, next.Kind, current.ChannelId, result.Error);
                    return;
            }

            // Persist after every post, so a crash right after Slack accepted a message cannot send it again.
            store.Save(current);
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
