using System.Text.Json;
using DrsBot.Drs;
using DrsBot.Features.Tables;
using DrsBot.Infrastructure;
using DrsBot.Slack;
using DrsBot.Watching;
using Microsoft.Extensions.Options;

namespace DrsBot.Features.Notifications;

/// <summary>
/// Drains the outbox of every subscription to one comparison, oldest first, within a poll that holds the
/// comparison's lease (confirmed before each post, so no two drains ever post the same entry). Each post's outcome
/// is written back to the subscription as it is then, so a concurrent subscribe or unsubscribe is never overwritten.
/// A channel Slack will not post to is paused with the reason kept for <c>list</c>; anything else stays queued.
/// </summary>
public sealed partial class NotificationDelivery(
    IWatchStore store,
    IChannelPoster poster,
    IDrsClient drs,
    SlackDeliveryHealth slack,
    IOptions<WatchOptions> options,
    DrsBotMetrics metrics,
    DrsProfiles profiles,
    ILogger<NotificationDelivery> logger) : INotificationDelivery
{
    public async Task DeliverAsync(LeaseKeeper lease, CancellationToken ct)
    {
        var comparison = lease.Lease.Comparison;
        var channels = (await store.GetAsync(comparison, ct))?.Subscriptions
            .Where(s => s is { IsPaused: false, Pending.Count: > 0 })
            .Select(s => (s.TeamId, s.ChannelId))
            .ToList() ?? [];
        foreach (var channel in channels)
        {
            if (!await DrainAsync(lease, comparison, channel, ct))
            {
                return;
            }
        }
    }

    /// <summary>Posts one channel's outbox; false when the lease was lost and nothing more may be posted.</summary>
    private async Task<bool> DrainAsync(LeaseKeeper lease, ComparisonRef comparison, (string Team, string Id) channel, CancellationToken ct)
    {
        while (await store.GetAsync(comparison, ct) is { } record && record.Of(channel.Team, channel.Id) is { IsPaused: false, Pending: [var next, ..] } subscription)
        {
            if (slack.HaltedBecause is not null)
            {
                return false; // kept for when the configuration is fixed
            }

            if (store.Clock.GetUtcNow() - next.CreatedAt > options.Value.MaxOutboxAge)
            {
                await ExpireAsync(comparison, channel, next, ct);
                continue;
            }

            if (!await lease.ConfirmAsync(ct))
            {
                LogLeaseLost(logger, comparison.Key);
                return false;
            }

            if (next is { Kind: NotificationKind.DifferingTables, Tables: null })
            {
                // Read once, when first due, and kept with the entry: a retry posts what was read, and no poll asks again.
                var tables = await drs.GetDifferingTablesAsync(comparison, maxPages: 1, ct, record.TablesKind);
                tables = tables with { Tables = tables.Tables?.Top(TablesMessages.InThread) };
                await UpdateSubscriptionAsync(comparison, channel, s => s with
                {
                    Pending = [.. s.Pending.Select(p => p.Id == next.Id ? p with { Tables = tables } : p)],
                }, ct);
                continue;
            }

            var placement = PostPlacement.Channel;
            if (!subscription.Flat)
            {
                // One thread per comparison per channel: its parent first, then every notification as a reply.
                if ((subscription.ThreadTs ?? await StartThreadAsync(comparison, channel, ct)) is not { } thread)
                {
                    return true; // the parent could not be posted; the outcome is recorded, the entry waits
                }

                placement = new PostPlacement(thread, ThreadMessages.AlsoToChannel(next.Kind));
            }

            if (next.MaybePosted)
            {
                // Slack may have it already: look before posting again.
                var lookup = await poster.FindAsync(channel.Id, placement.ThreadTs, next.Id, (next.FirstAttemptAt ?? next.CreatedAt) - LookBackMargin, ct);
                if (lookup.Outcome == LookupOutcome.Found)
                {
                    await RecordAsync(comparison, channel, next, PostResult.Ok with { Timestamp = lookup.Timestamp }, ct, found: true);
                    continue;
                }

                if (lookup.Outcome == LookupOutcome.Failed)
                {
                    LogDeferred(logger, next.Kind, channel.Id, "history: " + lookup.Error);
                    return true; // unknown yet: posting now could post twice
                }

                if (lookup.Outcome == LookupOutcome.CannotLook)
                {
                    metrics.Notification(DrsBotMetrics.Tag(next.Kind), "maybe_duplicate");
                    LogMaybeDuplicate(logger, next.Kind, channel.Id, lookup.Error);
                }
            }

            // Written before the post (unless a failed try wrote it already): if Slack takes it and the write after it
            // fails, the entry still says "look first".
            if (next is not { MaybePosted: true, FirstAttemptAt: not null })
            {
                var now = store.Clock.GetUtcNow();
                await UpdateSubscriptionAsync(comparison, channel, s => s with
                {
                    Pending = [.. s.Pending.Select(p => p.Id == next.Id ? p with { MaybePosted = true, FirstAttemptAt = p.FirstAttemptAt ?? now } : p)],
                }, ct);
            }

            var message = next.MessageJson is { } stored
                ? JsonSerializer.Deserialize(stored, SlackJson.Message)! // decided and rendered by the version before 2026-12-06
                : NotificationMessages.Render(comparison, next, profiles.Label(comparison));
            var result = await poster.PostAsync(channel.Id, message, ct, placement, next.Id);
            if (result.Outcome == PostOutcome.MessageGone && placement.ThreadTs is not null)
            {
                await ForgetThreadAsync(comparison, channel, ct); // its parent was deleted: the next try starts a new one
                continue;
            }

            if (!await RecordAsync(comparison, channel, next, result, ct))
            {
                return true;
            }
        }

        return true;
    }

    /// <summary>
    /// Keeps each thread parent current: after a poll, a parent whose state changed is updated with chat.update, at
    /// most once per <see cref="WatchOptions.ThreadUpdateMinInterval"/>; a deleted parent is replaced by a new one.
    /// </summary>
    public async Task RefreshParentsAsync(LeaseKeeper lease, CancellationToken ct)
    {
        var comparison = lease.Lease.Comparison;
        if (await store.GetAsync(comparison, ct) is not { } record || slack.HaltedBecause is not null)
        {
            return;
        }

        var now = store.Clock.GetUtcNow();
        foreach (var s in record.Subscriptions.Where(s => s is { Flat: false, IsPaused: false, ThreadTs: not null }))
        {
            var state = ThreadMessages.State(record, s, now);
            if (s.ParentShows == state || now - s.ParentUpdatedAt < options.Value.ThreadUpdateMinInterval || !await lease.ConfirmAsync(ct))
            {
                continue;
            }

            var channel = (s.TeamId, s.ChannelId);
            var result = await poster.UpdateAsync(s.ChannelId, s.ThreadTs!, ThreadMessages.Parent(record, now, s, profiles.Label(comparison)), ct);
            switch (result.Outcome)
            {
                case PostOutcome.Delivered:
                    await SetThreadAsync(comparison, channel, s.ThreadTs!, state, now, ct);
                    break;
                case PostOutcome.MessageGone:
                    await ForgetThreadAsync(comparison, channel, ct);
                    await StartThreadAsync(comparison, channel, ct);
                    break;
                case PostOutcome.Misconfigured:
                    slack.Halt(result.Error);
                    return;
                default:
                    LogParentNotUpdated(logger, comparison.Key, s.ChannelId, result.Error);
                    break;
            }
        }
    }

    /// <summary>Posts the thread parent and remembers its ts; null when Slack did not take it (the outcome is recorded).</summary>
    private async Task<string?> StartThreadAsync(ComparisonRef comparison, (string Team, string Id) channel, CancellationToken ct)
    {
        if (await store.GetAsync(comparison, ct) is not { } record)
        {
            return null;
        }

        var now = store.Clock.GetUtcNow();
        if (record.Of(channel.Team, channel.Id)?.ParentAttempt is { } earlier)
        {
            // A parent was sent before and its ts never saved: it may be in the channel.
            var lookup = await poster.FindAsync(channel.Id, null, earlier.Id, earlier.At - LookBackMargin, ct);
            switch (lookup.Outcome)
            {
                case LookupOutcome.Found when lookup.Timestamp is { } found:
                    await SetThreadAsync(comparison, channel, found, ThreadMessages.State(record, record.Of(channel.Team, channel.Id), now), now, ct);
                    LogThreadFound(logger, comparison.Key, channel.Id);
                    return found;
                case LookupOutcome.Failed:
                    LogParentNotUpdated(logger, comparison.Key, channel.Id, "history: " + lookup.Error);
                    return null;
                case LookupOutcome.CannotLook:
                    metrics.Notification("thread_parent", "maybe_duplicate");
                    break;
            }
        }

        // Recorded before the post, so a parent Slack takes is found again even if its ts cannot be saved.
        var attempt = new ParentAttempt($"parent/{comparison.Key}/{channel.Id}/{now.ToUnixTimeMilliseconds()}", now);
        await UpdateSubscriptionAsync(comparison, channel, s => s with { ParentAttempt = attempt }, ct);
        var result = await poster.PostAsync(channel.Id, ThreadMessages.Parent(record, now, record.Of(channel.Team, channel.Id), profiles.Label(comparison)), ct, metadataId: attempt.Id);
        if (result.Outcome is not (PostOutcome.Delivered or PostOutcome.MaybePosted))
        {
            await UpdateSubscriptionAsync(comparison, channel, s => s.ParentAttempt == attempt ? s with { ParentAttempt = null } : s, ct);
        }

        switch (result.Outcome)
        {
            case PostOutcome.Delivered when result.Timestamp is { } ts:
                await SetThreadAsync(comparison, channel, ts, ThreadMessages.State(record, record.Of(channel.Team, channel.Id), now), now, ct);
                LogThreadStarted(logger, comparison.Key, channel.Id);
                return ts;
            case PostOutcome.ChannelPaused:
                await UpdateSubscriptionAsync(comparison, channel, s => Paused(s, result, now), ct);
                LogPaused(logger, comparison.Key, channel.Id, result.Error);
                return null;
            case PostOutcome.Misconfigured:
                slack.Halt(result.Error);
                return null;
            default:
                LogParentNotUpdated(logger, comparison.Key, channel.Id, result.Error ?? "no ts");
                return null;
        }
    }

    /// <summary>Changes one channel's subscription as it is now; a subscription gone meanwhile stays gone.</summary>
    private Task<WatchRecord?> UpdateSubscriptionAsync(
        ComparisonRef comparison, (string Team, string Id) channel, Func<Subscription, Subscription> change, CancellationToken ct) =>
        store.UpdateAsync(comparison, r => r?.Of(channel.Team, channel.Id) is { } current ? r.With(change(current)) : r, ct);

    private static Subscription Paused(Subscription s, PostResult result, DateTimeOffset at) =>
        s with { Pending = [], PausedReason = result.Error, PausedAt = at };

    private Task SetThreadAsync(ComparisonRef comparison, (string Team, string Id) channel, string ts, string state, DateTimeOffset at, CancellationToken ct) =>
        UpdateSubscriptionAsync(comparison, channel, s => s with { ThreadTs = ts, ParentShows = state, ParentUpdatedAt = at, ParentAttempt = null }, ct);

    private Task ForgetThreadAsync(ComparisonRef comparison, (string Team, string Id) channel, CancellationToken ct) =>
        UpdateSubscriptionAsync(comparison, channel, s => s with { ThreadTs = null, ParentShows = null, ParentUpdatedAt = null }, ct);

    private async Task ExpireAsync(ComparisonRef comparison, (string Team, string Id) channel, PendingNotification old, CancellationToken ct)
    {
        await UpdateSubscriptionAsync(comparison, channel, s => s with { Pending = s.Pending.RemoveAll(p => p.Id == old.Id) }, ct);
        metrics.Notification(DrsBotMetrics.Tag(old.Kind), "expired");
        LogExpired(logger, old.Kind, comparison.Key, channel.Id, old.CreatedAt);
    }

    /// <summary>Writes one post's outcome; false when draining this channel should stop for now.</summary>
    private async Task<bool> RecordAsync(
        ComparisonRef comparison, (string Team, string Id) channel, PendingNotification sent, PostResult result, CancellationToken ct, bool found = false)
    {
        var now = store.Clock.GetUtcNow();
        // A subscription removed while we were posting stays removed.
        var stored = await UpdateSubscriptionAsync(comparison, channel, current => result.Outcome switch
        {
            PostOutcome.Delivered or PostOutcome.Rejected => current with
            {
                Pending = current.Pending.RemoveAll(p => p.Id == sent.Id),
                // The alert's message, for chat.update when someone acknowledges it.
                Alerts = sent.ReAlert is null && result.Timestamp is { } ts
                    ? [.. current.Alerts.Select(a => a.Id == sent.Id ? a with { Ts = ts } : a)]
                    : current.Alerts,
            },
            PostOutcome.ChannelPaused => Paused(current, result, now),
            // Only an answer that proves Slack did not take it clears "maybe posted".
            _ => current with
            {
                Pending = [.. current.Pending.Select(p => p.Id == sent.Id
                    ? p with { Attempts = p.Attempts + 1, MaybePosted = result.Outcome is PostOutcome.MaybePosted }
                    : p)],
            },
        }, ct);

        metrics.Notification(DrsBotMetrics.Tag(sent.Kind), result.Outcome switch
        {
            PostOutcome.Delivered when found => "found_posted",
            PostOutcome.MaybePosted => "maybe_posted",
            PostOutcome.Delivered => "posted",
            PostOutcome.ChannelPaused => "paused",
            PostOutcome.Misconfigured => "halted",
            PostOutcome.Rejected => "dropped",
            _ => "deferred",
        });
        switch (result.Outcome)
        {
            case PostOutcome.Delivered when found:
                LogFound(logger, sent.Kind, comparison.Key, channel.Id);
                return stored?.Of(channel.Team, channel.Id) is not null;
            case PostOutcome.Delivered:
                LogDelivered(logger, sent.Kind, comparison.Key, channel.Id, sent.Attempts + 1);
                return stored?.Of(channel.Team, channel.Id) is not null;
            case PostOutcome.ChannelPaused:
                LogPaused(logger, comparison.Key, channel.Id, result.Error);
                return false;
            case PostOutcome.Rejected:
                // Even the plain-text fallback was refused: holding it would block every later notification.
                LogDropped(logger, sent.Kind, channel.Id, result.Error);
                return stored?.Of(channel.Team, channel.Id) is not null;
            case PostOutcome.Misconfigured:
                slack.Halt(result.Error);
                return false;
            default:
                LogDeferred(logger, sent.Kind, channel.Id, result.Error);
                return false;
        }
    }

    /// <summary>Slack's ts and our clocks may differ by a little: the lookup starts this long before the first attempt.</summary>
    private static readonly TimeSpan LookBackMargin = TimeSpan.FromMinutes(2);

    [LoggerMessage(Level = LogLevel.Information, Message = "Found {Kind} for {Comparison} already in {Channel}: Slack had taken it; recorded as sent, not posted again")]
    private static partial void LogFound(ILogger logger, NotificationKind kind, string comparison, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Posting {Kind} to {Channel} again without knowing whether it landed ({Error}): grant channels:history and groups:history so DrsBot can look")]
    private static partial void LogMaybeDuplicate(ILogger logger, NotificationKind kind, string channel, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Posted {Kind} for {Comparison} to {Channel} (attempt {Attempt})")]
    private static partial void LogDelivered(ILogger logger, NotificationKind kind, string comparison, string channel, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Paused {Comparison} in {Channel}: Slack said {Reason}")]
    private static partial void LogPaused(ILogger logger, string comparison, string channel, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Slack rejected {Kind} for {Channel} even as plain text ({Error}); dropped it")]
    private static partial void LogDropped(ILogger logger, NotificationKind kind, string channel, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not post {Kind} to {Channel} ({Error}); it stays queued for the next poll")]
    private static partial void LogDeferred(ILogger logger, NotificationKind kind, string channel, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped {Kind} for {Comparison} in {Channel} undelivered: decided at {CreatedAt}, older than Watch:MaxOutboxAge")]
    private static partial void LogExpired(ILogger logger, NotificationKind kind, string comparison, string channel, DateTimeOffset createdAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Found the thread parent for {Comparison} already in {Channel}: Slack had taken it; not posted again")]
    private static partial void LogThreadFound(ILogger logger, string comparison, string channel);

    [LoggerMessage(Level = LogLevel.Information, Message = "Started the thread for {Comparison} in {Channel}")]
    private static partial void LogThreadStarted(ILogger logger, string comparison, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not post or update the thread parent for {Comparison} in {Channel} ({Error}); trying again later")]
    private static partial void LogParentNotUpdated(ILogger logger, string comparison, string channel, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped delivering for {Comparison}: this replica's poll lease was lost")]
    private static partial void LogLeaseLost(ILogger logger, string comparison);
}
