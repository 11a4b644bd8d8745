using DrsBot.Features.Progress;
using DrsBot.Slack;
using DrsBot.Watching;
using static DrsBot.Slack.Mrkdwn;

namespace DrsBot.Features.Notifications;

/// <summary>
/// The parent of a channel's thread for one watched comparison: the live state at a glance, kept current with
/// chat.update. It mentions nobody; the notifications in its thread do the talking.
/// </summary>
public static class ThreadMessages
{
    public const string Headline = "Watching comparison";

    /// <summary>What the parent shows, without the time: the parent is updated only when this changes.</summary>
    public static string State(WatchRecord record, Subscription? subscription = null, DateTimeOffset? now = null) =>
        (record.GoneAt is not null ? "gone"
            : record.LastProgress is { } p ? ProgressMessages.Summary(p)
            : "not read yet")
        + string.Concat(OnCallLines(subscription, now).Select(l => " | " + l));

    /// <summary>Who is on which alert, and the snooze: what the channel's parent adds to the comparison's state.</summary>
    public static IEnumerable<string> OnCallLines(Subscription? s, DateTimeOffset? now)
    {
        if (s is null)
        {
            yield break;
        }

        foreach (var alert in s.Alerts.Where(a => a.IsAcknowledged))
        {
            yield return $"{OnCallMessages.OnIt(alert.AckBy!, alert.AckAt!.Value)}: {Name(alert.Kind)}";
        }

        if (s.Snooze is { } z && (now is null || now < z.Until))
        {
            yield return OnCallMessages.SnoozedUntil(z);
        }
    }

    /// <summary>The same lines, each on a line of its own below what a list, the digest or the Home tab shows.</summary>
    public static string OnCallBelow(Subscription? s, DateTimeOffset? now) => string.Concat(OnCallLines(s, now).Select(l => "\n" + l));

    private static string Name(NotificationKind kind) => kind switch
    {
        NotificationKind.RecheckNeeded => "rows to recheck",
        NotificationKind.ComparisonGone => "comparison gone",
        NotificationKind.DrsFailing => "DRS not answering",
        NotificationKind.Stalled => "no progress",
        NotificationKind.FallingBehind => "falling behind",
        _ => kind.ToString(),
    };

    public static SlackMessage Parent(WatchRecord record, DateTimeOffset at, Subscription? subscription = null, string? profile = null)
    {
        var c = record.Comparison;
        var lines = new List<string> { $":eyes: *{Headline} {Code(c.CompareJobId)}* in {ProgressMessages.InJob(c, profile)}" };
        if (record.GoneAt is { } gone)
        {
            lines.Add($":ghost: DRS no longer knows this comparison ({Date(gone)}); DrsBot has stopped watching it.");
        }
        else if (record.LastProgress is { } p)
        {
            var status = ComparisonStatus.Of(p);
            lines.Add($"{status.Emoji} *{status.Title}*{(status.Detail is null ? "" : " — " + status.Detail)}");
            if (p.Full?.Progress is { } full)
            {
                lines.Add($"Full `{Format.ProgressBar(full)}` *{Format.Percent(full)}*{ProgressMessages.EtaSuffix(record)}");
            }

            if (p.Incremental?.Delay is { } delay)
            {
                lines.Add($"Incremental: {Format.DelayPhrase(delay)}");
            }

            if (p.RowsToRecheck is > 0 and var rows)
            {
                lines.Add($":rotating_light: {Format.Rows(rows)} to recheck");
            }
        }
        else
        {
            lines.Add("Not read from DRS yet.");
        }

        lines.AddRange(OnCallLines(subscription, at));
        var blocks = new List<Block>
        {
            Blocks.Section(string.Join("\n", lines)),
            Blocks.Context($"As of {Date(record.LastReadAt ?? at)} · Notifications for this comparison are in this thread · `/drs-progress unsubscribe {Escape(c.TypedJobId)} {Escape(c.CompareJobId)}` stops them"),
        };
        return new SlackMessage($"{Headline} {c.CompareJobId} in job {c.JobId}{ProgressMessages.ProfileSuffix(c, profile)}: {State(record)}", blocks) { ResponseType = null };
    }

    /// <summary>Completion and on-call alerts are also shown in the channel; the rest stays in the thread.</summary>
    public static bool AlsoToChannel(NotificationKind kind) => kind is NotificationKind.FullComplete or NotificationKind.SnoozeEnded
        or NotificationKind.RecheckNeeded or NotificationKind.ComparisonGone or NotificationKind.DrsFailing
        or NotificationKind.Stalled or NotificationKind.FallingBehind;
}
