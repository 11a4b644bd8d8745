using DrsBot.Features.Progress;
using DrsBot.Slack;
using DrsBot.Watching;
using static DrsBot.Slack.Mrkdwn;

namespace DrsBot.Features.Notifications;

/// <summary>What acknowledging and snoozing say: short, with who and when, readable on a lock screen.</summary>
public static class OnCallMessages
{
    /// <summary>"🙋 <@U…> is on it (03:12 UTC)": the time in UTC, written out, so a screenshot says the same to everyone.</summary>
    public static string OnIt(string user, DateTimeOffset at) => $":raising_hand: {User(user)} is on it ({Utc(at)})";

    /// <summary>"snoozed until 05:00 UTC (by <@U…>)", for list, the digest and the thread parent.</summary>
    public static string SnoozedUntil(Snooze snooze) => $":zzz: snoozed until {Until(snooze)} (by {User(snooze.By)})";

    /// <summary>"While snoozed: 2 recheck alerts, 1 DRS outage alert; now: full 100 %, 0 rows to recheck".</summary>
    public static string Summary(IReadOnlyList<NotificationKind> held, CompareProgress? now)
    {
        var counts = held.GroupBy(k => k).OrderBy(g => (int)g.Key).Select(g => Format.Plural(g.Count(), Name(g.Key))).ToList();
        var whileSnoozed = counts.Count == 0 ? "While snoozed: nothing was held" : "While snoozed: " + string.Join(", ", counts);
        var state = now is null ? "" : $"; now: {ProgressMessages.Summary(now)}";
        return whileSnoozed + state;
    }

    public static SlackMessage SnoozeEnded(ComparisonRef c, NotificationFacts facts, DateTimeOffset at, string? endedBy = null)
    {
        var who = endedBy is null ? "The snooze" : $"{User(endedBy)} ended the snooze";
        var summary = Summary(facts.Held ?? [], facts.Progress);
        return new SlackMessage(
            $"Snooze over for comparison {c.CompareJobId}. {summary}",
            [
                Blocks.Section($":alarm_clock: *Alerts resume* for comparison {Code(c.CompareJobId)}. {who}{(endedBy is null ? " ended" : "")}.\n{Escape(summary)}"),
                Blocks.Context(ProgressMessages.ContextLine(c, at).Replace("· Read", "· At", StringComparison.Ordinal)),
            ]) { ResponseType = "in_channel" };
    }

    public static SlackMessage Snoozed(ComparisonRef c, Snooze snooze, TimeSpan length) => new(
        $"Alerts about comparison {c.CompareJobId} are snoozed in this channel until {Until(snooze)}.",
        [
            Blocks.Section($":zzz: {User(snooze.By)} snoozed alerts about comparison {Code(c.CompareJobId)} in this channel for {Format.Duration(length)}, " +
                           $"until *{Until(snooze)}*. Nobody is mentioned until then; completion and caught-up messages still post, " +
                           "and a summary of what was held follows when it ends."),
            Blocks.Actions(Blocks.Button("Unsnooze", Interaction.Unsnooze, c.Key)),
        ]) { ResponseType = "in_channel" };

    public static SlackMessage NotSnoozed(ComparisonRef c) => Ephemeral(
        $":information_source: Alerts about comparison {Code(c.CompareJobId)} are not snoozed in this channel.");

    public static SlackMessage NotWatched(ComparisonRef c) => Ephemeral(
        $":information_source: This channel does not watch comparison {Code(c.CompareJobId)} in job {Code(c.JobId)}, so there is nothing to snooze. " +
        $"`/drs-progress subscribe {Escape(c.JobId)} {Escape(c.CompareJobId)}` watches it.");

    public static SlackMessage Acknowledged(ComparisonRef c, OpenAlert alert) => Ephemeral(
        $":raising_hand: You're on it: the alert about comparison {Code(c.CompareJobId)} now says so, in the channel and the thread.");

    public static SlackMessage AlreadyAcknowledged(ComparisonRef c, OpenAlert alert) => Ephemeral(
        $":information_source: {OnIt(alert.AckBy!, alert.AckAt!.Value)} already: the alert about comparison {Code(c.CompareJobId)} was acknowledged first.");

    public static SlackMessage AlertOver(ComparisonRef c) => Ephemeral(
        $":white_check_mark: That alert about comparison {Code(c.CompareJobId)} is over: its condition cleared, so there is nothing to acknowledge.");

    public static SlackMessage WrongChannel() => Ephemeral(
        ":no_entry: That button belongs to an alert in another channel. Acknowledge it where it was posted.");

    private static SlackMessage Ephemeral(string text) => new(text, [Blocks.Section(text)]);

    private static string Name(NotificationKind kind) => kind switch
    {
        NotificationKind.RecheckNeeded => "recheck alert",
        NotificationKind.DrsFailing => "DRS outage alert",
        NotificationKind.DrsRecovered => "DRS recovery",
        NotificationKind.Stalled => "no-progress alert",
        NotificationKind.FallingBehind => "falling-behind alert",
        _ => "notification",
    };

    private static string User(string id) => $"<@{Escape(id)}>";

    public static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The end of a snooze: with its day when it is not within the day it was set.</summary>
    private static string Until(Snooze z) => z.Until - z.At > TimeSpan.FromHours(20)
        ? z.Until.UtcDateTime.ToString("ddd d MMM HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture)
        : Utc(z.Until);
}
