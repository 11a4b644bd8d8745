using DrsBot.Features.Progress;
using DrsBot.Features.Tables;
using DrsBot.Slack;
using DrsBot.Watching;

using static DrsBot.Slack.Mrkdwn;

namespace DrsBot.Features.Notifications;

/// <summary>
/// What a subscribed channel is told. Alerts that need a person carry the subscription's mentions both in the
/// blocks and in the fallback text, because the fallback is what Slack's push notification shows.
/// </summary>
public static class NotificationMessages
{
    public static SlackMessage Render(
        NotificationKind kind, Subscription subscription, CompareProgress? progress, DrsFailure? failure, int failedPolls, DateTimeOffset at) =>
        Render(kind, subscription.Comparison, NotificationFacts.Of(subscription, progress, failure, failedPolls), at);

    /// <summary>One queued notification, as the channel reads it: with its alert's buttons, as a reminder when it is one.</summary>
    /// <param name="profile">The comparison's DRS profile, named when there are several (else null).</param>
    public static SlackMessage Render(ComparisonRef c, PendingNotification note, string? profile = null) => note.Kind switch
    {
        NotificationKind.DifferingTables => TablesMessages.Render(c, note.Tables ?? new TablesResult(null, new DrsFailure(DrsFailureKind.Unreachable)),
            note.CreatedAt, TablesMessages.InThread, profile: profile) with { ResponseType = null },
        NotificationKind.SnoozeEnded => OnCallMessages.SnoozeEnded(c, note.Facts!, note.CreatedAt) with { ResponseType = null },
        _ => Render(note.Kind, c, note.Facts!, note.CreatedAt, note.AlertId, note.ReAlert, profile: profile),
    };

    /// <summary>An alert as it stands: after an acknowledgement, it says who is on it and loses its Acknowledge button.</summary>
    public static SlackMessage Render(ComparisonRef c, OpenAlert alert, string? profile = null) =>
        Render(alert.Kind, c, alert.Facts ?? new NotificationFacts(null, null, 0, "", null, null), alert.RaisedAt, alert.Id, null, alert, profile);

    /// <summary>One decided notification, as the channel reads it; <paramref name="at"/> is when it was decided.</summary>
    public static SlackMessage Render(
        NotificationKind kind, ComparisonRef c, NotificationFacts facts, DateTimeOffset at, string? alertId = null, int? reminder = null, OpenAlert? standing = null,
        string? profile = null)
    {
        if (kind is NotificationKind.DifferingTables or NotificationKind.SnoozeEnded)
        {
            return Render(c, new PendingNotification($"{c.Key}/render/{kind}", kind, at) { Facts = facts });
        }

        var (progress, failure, failedPolls) = (facts.Progress, facts.Failure, facts.FailedPolls);
        var id = Code(c.CompareJobId);
        var mentions = facts.Mentions;
        var (emoji, headline, detail, alert) = kind switch
        {
            NotificationKind.FullComplete => (":white_check_mark:", "Full comparison complete",
                $"Comparison {id} reached 100 %." + RecheckNote(progress), false),
            NotificationKind.CaughtUp => (":zap:", "Incremental comparison caught up",
                $"Comparison {id} has no incremental delay: every change so far has been compared." + RecheckNote(progress), false),
            NotificationKind.RecheckNeeded => (":rotating_light:", $"{Format.Rows(progress?.RowsToRecheck ?? 0)} need recheck",
                $"Comparison {id} found rows that differ between source and target. Review them in the DRS console (job {Code(c.JobId)}, *Data Comparison*).", true),
            NotificationKind.ComparisonGone => (":wastebasket:", "Comparison no longer exists",
                $"DRS no longer knows comparison {id} in job {Code(c.JobId)}. It may have been deleted or the job released. DrsBot has stopped watching it.", true),
            NotificationKind.DrsFailing when failure is { Kind: DrsFailureKind.CredentialsRejected } => (":lock:", "DrsBot's Huawei Cloud credentials were refused",
                $"DrsBot could not read comparison {id}: Huawei Cloud refused DrsBot's own credentials, so no comparison can be read. " +
                $"Whoever runs DrsBot must fix `{ComparisonRef.SettingsSection(c.Profile)}:Auth` (a changed password, a disabled user or a revoked key); " +
                "DrsBot waits before logging in again, so the account is not locked. Notifications are on hold until then.", true),
            NotificationKind.DrsFailing when failure is { FromIam: true } => (":rotating_light:", "DrsBot cannot sign in to Huawei Cloud",
                $"DrsBot could not read comparison {id} for {Format.Plural(failedPolls, "poll")} in a row: " +
                FailureMessages.Explain(c, failure).Title + ". DRS itself may be fine, but no comparison of this profile can be read until IAM answers. " +
                "Its notifications are on hold until then.", true),
            NotificationKind.DrsFailing when failure is not null && !IsAboutDrsAsAWhole(failure) => (":rotating_light:", "DRS fails on this comparison",
                $"DRS answered with an error for comparison {id} on {Format.Plural(failedPolls, "poll")} in a row: " +
                FailureMessages.Explain(c, failure).Title + ". Other comparisons are not affected. " +
                "Its notifications are on hold until DRS reads it again.", true),
            NotificationKind.DrsFailing => (":rotating_light:", "DRS is not answering",
                $"DrsBot could not read comparison {id} for {Format.Plural(failedPolls, "poll")} in a row. " +
                (failure is null ? "" : FailureMessages.Explain(c, failure).Title + ". ") +
                "Its notifications are on hold until DRS answers again.", true),
            NotificationKind.DrsRecovered => (":large_green_circle:", "DRS is answering again",
                $"DrsBot can read comparison {id} again; notifications have resumed.", false),
            NotificationKind.Stalled => (":snail:", "No progress",
                $"The full comparison {id} has stayed at {(progress?.Full?.Progress is { } p ? Format.Percent(p) : "the same value")} for {Format.Duration(facts.ProgressSince is { } since ? at - since : TimeSpan.Zero)}. Check the job in the DRS console (job {Code(c.JobId)}): it may be paused, throttled or waiting on the source.", true),
            NotificationKind.FallingBehind => (":chart_with_upwards_trend:", "Incremental comparison falling behind",
                $"The incremental delay of comparison {id} has grown on every check for {Format.Duration(facts.DelayRisingSince is { } since ? at - since : TimeSpan.Zero)}" +
                $"{(progress?.Incremental?.Delay is { } d ? $", now {Format.DelayPhrase(d)}" : "")}. The comparison is not keeping up with changes on the source.", true),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        if (reminder is { } n)
        {
            headline = $"Still unacknowledged (reminder {n}): {char.ToLowerInvariant(headline[0])}{headline[1..]}";
        }

        // An acknowledged alert, shown again, mentions nobody: the person is on it.
        var ping = alert && mentions.Length > 0 && standing is not { IsAcknowledged: true };
        var blocks = new List<Block>
        {
            Blocks.Section($"{emoji} *{headline}*{(ping ? " " + mentions : "")}\n{detail}"),
        };

        if (progress is not null && kind is not NotificationKind.ComparisonGone)
        {
            var label = kind is NotificationKind.DrsFailing ? "Last known" : "Now";
            blocks.Add(Blocks.Context($"{label}: {Escape(ProgressMessages.Summary(progress))}"));
        }

        if (failure is not null && kind is NotificationKind.DrsFailing or NotificationKind.ComparisonGone)
        {
            var parts = new[] { failure.Code is null ? null : $"Code {Code(failure.Code)}", failure.Message is null ? null : Escape(failure.Message), failure.RequestId is null ? null : $"Request {Code(failure.RequestId)}" };
            var line = string.Join(" · ", parts.Where(p => p is not null));
            if (line.Length > 0)
            {
                blocks.Add(Blocks.Context(line));
            }
        }

        blocks.Add(Blocks.Context(ProgressMessages.ContextLine(c, at, profile).Replace("· Read", "· At", StringComparison.Ordinal)));
        if (standing is { IsAcknowledged: true })
        {
            blocks.Add(Blocks.Section(OnCallMessages.OnIt(standing.AckBy!, standing.AckAt!.Value)));
        }

        if (alert && alertId is not null && AlertButtons(kind, c, alertId, acknowledged: standing is { IsAcknowledged: true }) is { } actions)
        {
            blocks.Add(actions);
        }

        var text = $"{(ping ? mentions + " " : "")}{headline}: comparison {c.CompareJobId}{ProgressMessages.ProfileSuffix(c, profile)}";
        return new SlackMessage(text, blocks) { ResponseType = null };
    }

    /// <summary>
    /// Acting from the alert: Acknowledge (until someone has), Snooze 1 h (unless the watch is over), and for rows to
    /// recheck, which tables differ.
    /// </summary>
    private static ActionsBlock? AlertButtons(NotificationKind kind, ComparisonRef c, string alertId, bool acknowledged)
    {
        var buttons = new List<ButtonElement>(3);
        if (!acknowledged)
        {
            buttons.Add(Blocks.Button("Acknowledge", Interaction.Acknowledge, alertId, style: "primary"));
        }

        if (kind is NotificationKind.RecheckNeeded)
        {
            buttons.Add(ProgressMessages.TablesButton(c));
        }

        if (kind is not NotificationKind.ComparisonGone)
        {
            buttons.Add(Blocks.Button("Snooze 1 h", Interaction.Snooze, c.Key));
        }

        return buttons.Count == 0 ? null : Blocks.Actions(buttons);
    }

    /// <summary>No answer at all (a connection, a timeout, the gateway, throttling), as opposed to an error about this comparison.</summary>
    private static bool IsAboutDrsAsAWhole(DrsFailure failure) =>
        failure.Kind is DrsFailureKind.Unreachable or DrsFailureKind.Timeout or DrsFailureKind.Throttled
        || failure.StatusCode is 502 or 503 or 504;

    private static string RecheckNote(CompareProgress? progress) => progress?.RowsToRecheck switch
    {
        0 => " No rows need recheck.",
        > 0 and var rows => $" :warning: {Format.Rows(rows)} need recheck.",
        _ => "",
    };
}
