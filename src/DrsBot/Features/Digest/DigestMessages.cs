using DrsBot.Features.Notifications;
using DrsBot.Features.Progress;
using DrsBot.Slack;
using DrsBot.Watching;

using static DrsBot.Slack.Mrkdwn;

namespace DrsBot.Features.Digest;

/// <summary>
/// The morning "where are we?": every comparison the channel watches, what needs attention first. Built from what
/// the polls already know, so it costs DRS nothing and pings nobody.
/// </summary>
public static class DigestMessages
{
    /// <summary>One section per comparison; head and tail included, far below Slack's 50 blocks.</summary>
    public const int MaxListed = 40;

    /// <param name="nameProfiles">Several DRS profiles are configured: every line names its comparison's.</param>
    public static SlackMessage Render(IReadOnlyList<WatchRecord> records, string teamId, string channelId, DateTimeOffset at, bool nameProfiles = false)
    {
        var items = records
            .Select(r => (Record: r, Subscription: r.Of(teamId, channelId)!))
            .Where(x => x.Subscription is not null)
            .Select(x => (x.Record, x.Subscription, Attention: Attention(x.Record, x.Subscription)))
            .OrderByDescending(x => x.Attention is not null)
            .ThenBy(x => x.Record.Comparison.Key, StringComparer.Ordinal)
            .ToList();
        if (items.Count == 0)
        {
            return new SlackMessage("Daily digest: this channel watches no comparisons.",
            [
                Blocks.Section(":newspaper: *Daily digest*: this channel watches no comparisons. " +
                               "`/drs-progress subscribe <job_id> <compare_job_id>` adds one; `/drs-progress digest off` stops this message."),
            ]);
        }

        var attention = items.Count(x => x.Attention is not null);
        var complete = items.Count(x => x.Attention is null && x.Record.LastProgress is { } p && ComparisonStatus.Of(p).Title == "Complete");
        var counts = string.Join(" · ", new[]
        {
            Format.Plural(items.Count, "comparison"),
            attention > 0 ? $":rotating_light: {attention} need{(attention == 1 ? "s" : "")} attention" : null,
            complete > 0 ? $"{complete} complete" : null,
            items.Count - attention - complete > 0 ? $"{items.Count - attention - complete} running" : null,
        }.Where(x => x is not null));

        var blocks = new List<Block>
        {
            Blocks.Header("Daily digest"),
            Blocks.Section(counts),
            Blocks.Divider(),
        };
        blocks.AddRange(items.Take(MaxListed).Select(x => Blocks.Section(Line(x.Record, x.Attention, nameProfiles) + ThreadMessages.OnCallBelow(x.Subscription, at))));
        if (items.Count > MaxListed)
        {
            blocks.Add(Blocks.Context($"…and {items.Count - MaxListed} more: `/drs-progress list`."));
        }

        blocks.Add(Blocks.Context($"As of {Date(at)} · from DrsBot's latest polls · `/drs-progress digest off` stops this message"));
        return new SlackMessage($"Daily digest: {Strip(counts)}", blocks) { ResponseType = null };
    }

    /// <summary>One comparison in a line or two: state, ETA, when read, and what needs attention (the digest and the Home tab).</summary>
    public static string Line(WatchRecord r, string? attention, bool nameProfile = false)
    {
        var c = r.Comparison;
        var state = r.LastProgress is { } p
            ? $"{ComparisonStatus.Of(p).Emoji} {Escape(ProgressMessages.Summary(p))}{ProgressMessages.EtaSuffix(r)}"
            : ":grey_question: not read yet";
        var read = r.LastReadAt is { } readAt ? $" · read {Date(readAt)}" : "";
        return $"*{Escape(c.CompareJobId)}* ({ProgressMessages.InJob(c, nameProfile ? c.ProfileName : null)})\n{state}{read}" + (attention is null ? "" : $"\n:rotating_light: {attention}");
    }

    /// <summary>What the on-call engineer should look at, in a few words; null when all is well.</summary>
    public static string? Attention(WatchRecord r, Subscription s)
    {
        if (s.PausedReason is { } reason)
        {
            return $"notifications paused: Slack refused to post here ({Code(reason)})";
        }

        if (r.GoneAt is not null)
        {
            return "DRS no longer knows this comparison";
        }

        if (r.LastProgress?.RowsToRecheck is > 0 and var rows)
        {
            return $"{Format.Rows(rows)} to recheck";
        }

        if (r.LastPollFailed)
        {
            return $"last poll failed: {FailureMessages.Explain(r.Comparison, r.LastFailure!).Title}";
        }

        if (s.Rules.StallAnnounced && s.Rules.ProgressSince is { } since)
        {
            return $"no progress since {Date(since)}";
        }

        return s.Rules.BehindAnnounced ? "incremental comparison falling behind" : null;
    }

    private static string Strip(string mrkdwn) => mrkdwn.Replace(":rotating_light: ", "", StringComparison.Ordinal);

    /// <summary>"every day at 09:00 Europe/Berlin (next: …)" for list and the digest replies.</summary>
    public static string Describe(DigestSetting digest) =>
        $"every day at *{digest.At:HH\\:mm}* {Escape(digest.TimeZoneId)}" + (digest.NextAt is { } next ? $" (next {Date(next)})" : "");

    public static SlackMessage Scheduled(string userId, DigestSetting digest) => new(
        $"Daily digest set for this channel: every day at {digest.At:HH\\:mm} {digest.TimeZoneId}.",
        [
            Blocks.Section($":newspaper: <@{userId}> set a daily digest for this channel: {Describe(digest)}. " +
                           "It summarises every comparison this channel watches and mentions no one."),
            Blocks.Context("`/drs-progress digest off` stops it · `/drs-progress list` shows it"),
        ])
    {
        ResponseType = SlackMessage.InChannel,
    };

    public static SlackMessage Stopped(string userId) => new(
        "Daily digest stopped for this channel.",
        [Blocks.Section($":no_bell: <@{userId}> stopped this channel's daily digest.")])
    {
        ResponseType = SlackMessage.InChannel,
    };

    public static SlackMessage NoDigest() => new(
        "This channel has no daily digest.",
        [Blocks.Section("This channel has no daily digest. `/drs-progress digest 09:00 Europe/Berlin` sets one.")]);
}
