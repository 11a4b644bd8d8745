using DrsBot.Features.Shared;
using DrsBot.Slack;
using DrsBot.Watching;
using static DrsBot.Features.Shared.ChannelCommands;

namespace DrsBot.Features.Notifications;

/// <summary>
/// Acting from an alert: Acknowledge, Snooze and Unsnooze (and the typed <c>snooze</c>). Each changes only the
/// subscription of the channel the press or command came from, so no channel can act on another's watch.
/// </summary>
public sealed partial class AlertActions(IWatchStore store, IChannelPoster poster, DrsProfiles profiles, ILogger<AlertActions> logger)
{
    /// <summary>The alert id's parts: comparison key / channel / kind / time (see <c>ComparisonPoll</c>).</summary>
    public static ComparisonRef? ComparisonOf(string? alertId) =>
        alertId?.Split('/') is [var key, _, _, _] ? ComparisonRef.FromKey(key) : null;

    public Task<SlackMessage> AcknowledgeAsync(SlashCommand command, ComparisonRef c, string alertId, CancellationToken ct)
    {
        if (!IsChannelId(command.ChannelId))
        {
            return Task.FromResult(NoChannel());
        }

        if (alertId.Split('/') is not [_, var channel, _, _] || channel != command.ChannelId)
        {
            return Task.FromResult(OnCallMessages.WrongChannel());
        }

        return GuardAsync(async () =>
        {
            var now = store.Clock.GetUtcNow();
            OpenAlert? alert = null;
            var first = false;
            // One atomic change: of two presses at once, the second finds the first's acknowledgement and keeps it.
            var record = await store.UpdateAsync(c, r =>
            {
                (alert, first) = (null, false);
                if (r?.Of(command.TeamId, command.ChannelId) is not { } s)
                {
                    return r;
                }

                first = s.Alerts.Find(a => a.Id == alertId) is { IsAcknowledged: false };
                (var next, alert) = OnCall.Acknowledge(s, alertId, command.UserId, now);
                return r.With(next);
            }, ct);

            if (alert is null)
            {
                return OnCallMessages.AlertOver(c);
            }

            if (!first)
            {
                return OnCallMessages.AlreadyAcknowledged(c, alert);
            }

            LogAcknowledged(logger, alert.Kind, c.Key, command.ChannelId, command.UserId);
            if (alert.Ts is { } ts)
            {
                var updated = await poster.UpdateAsync(command.ChannelId, ts, NotificationMessages.Render(c, alert, profiles.Label(c)), ct);
                if (updated.Outcome != PostOutcome.Delivered)
                {
                    LogNotUpdated(logger, c.Key, command.ChannelId, updated.Error);
                }
            }

            await RefreshParentAsync(c, record, command, now, ct);
            return OnCallMessages.Acknowledged(c, alert);
        });
    }

    public Task<SlackMessage> SnoozeAsync(SlashCommand command, ComparisonRef c, TimeSpan length, CancellationToken ct)
    {
        if (!IsChannelId(command.ChannelId))
        {
            return Task.FromResult(NoChannel());
        }

        return GuardAsync(async () =>
        {
            var now = store.Clock.GetUtcNow();
            Snooze? snooze = null;
            var record = await store.UpdateAsync(c, r =>
            {
                snooze = null;
                if (r?.Of(command.TeamId, command.ChannelId) is not { } s)
                {
                    return r;
                }

                var next = OnCall.SnoozeUntil(s, now + length, command.UserId, now);
                snooze = next.Snooze;
                return r.With(next);
            }, ct);

            if (snooze is null)
            {
                return OnCallMessages.NotWatched(c);
            }

            LogSnoozed(logger, c.Key, command.ChannelId, command.UserId, snooze.Until);
            await RefreshParentAsync(c, record, command, now, ct);
            return OnCallMessages.Snoozed(c, snooze, length);
        });
    }

    /// <summary>Ends a snooze now; the reply is the summary the end of the snooze would have posted.</summary>
    public Task<SlackMessage> UnsnoozeAsync(SlashCommand command, ComparisonRef c, CancellationToken ct)
    {
        if (!IsChannelId(command.ChannelId))
        {
            return Task.FromResult(NoChannel());
        }

        return GuardAsync(async () =>
        {
            var now = store.Clock.GetUtcNow();
            Snooze? ended = null;
            var record = await store.UpdateAsync(c, r =>
            {
                ended = r?.Of(command.TeamId, command.ChannelId)?.Snooze;
                return ended is null ? r : r!.With(r.Of(command.TeamId, command.ChannelId)! with { Snooze = null });
            }, ct);

            if (ended is null)
            {
                return OnCallMessages.NotSnoozed(c);
            }

            LogUnsnoozed(logger, c.Key, command.ChannelId, command.UserId);
            await RefreshParentAsync(c, record, command, now, ct);
            var facts = new NotificationFacts(record?.LastProgress, null, 0, "", null, null) { Held = ended.Held, SnoozedBy = ended.By };
            return OnCallMessages.SnoozeEnded(c, facts, now, endedBy: command.UserId);
        });
    }

    /// <summary>The channel's thread parent shows who is on it and the snooze at once, not at the next poll.</summary>
    private async Task RefreshParentAsync(ComparisonRef c, WatchRecord? record, SlashCommand command, DateTimeOffset now, CancellationToken ct)
    {
        if (record?.Of(command.TeamId, command.ChannelId) is not { Flat: false, ThreadTs: { } parent } s)
        {
            return;
        }

        var result = await poster.UpdateAsync(command.ChannelId, parent, ThreadMessages.Parent(record, now, s, profiles.Label(record.Comparison)), ct);
        if (result.Outcome == PostOutcome.Delivered)
        {
            var state = ThreadMessages.State(record, s, now);
            await store.UpdateAsync(c, r => r?.Of(command.TeamId, command.ChannelId) is { } current && current.ThreadTs == parent
                ? r.With(current with { ParentShows = state, ParentUpdatedAt = now })
                : r, ct);
        }
    }

    private Task<SlackMessage> GuardAsync(Func<Task<SlackMessage>> work) =>
        ChannelCommands.GuardAsync(work, reason => LogStoreUnavailable(logger, reason));

    [LoggerMessage(Level = LogLevel.Information, Message = "{User} acknowledged {Kind} for {Comparison} in {Channel}")]
    private static partial void LogAcknowledged(ILogger logger, NotificationKind kind, string comparison, string channel, string user);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not update the acknowledged alert for {Comparison} in {Channel}: {Error}")]
    private static partial void LogNotUpdated(ILogger logger, string comparison, string channel, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "{User} snoozed {Comparison} in {Channel} until {Until}")]
    private static partial void LogSnoozed(ILogger logger, string comparison, string channel, string user, DateTimeOffset until);

    [LoggerMessage(Level = LogLevel.Information, Message = "{User} ended the snooze of {Comparison} in {Channel}")]
    private static partial void LogUnsnoozed(ILogger logger, string comparison, string channel, string user);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An alert action found the storage unavailable: {Reason}")]
    private static partial void LogStoreUnavailable(ILogger logger, string reason);
}
