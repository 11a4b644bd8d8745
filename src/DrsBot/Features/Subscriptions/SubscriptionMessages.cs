using DrsBot.Features.Notifications;
using DrsBot.Features.Digest;
using DrsBot.Features.Progress;
using DrsBot.Slack;
using DrsBot.Watching;

using static DrsBot.Slack.Mrkdwn;

namespace DrsBot.Features.Subscriptions;

/// <summary>Replies to subscribe, unsubscribe and list.</summary>
public static class SubscriptionMessages
{
    private const int MaxListed = 15;

    public static SlackMessage Subscribed(
        string userId, ComparisonRef c, IReadOnlyList<string> mentions, bool updated, CompareProgress progress, DateTimeOffset at, string? profile = null)
    {
        var card = ProgressMessages.Render(c, progress, at, profile: profile);
        // Said, not done: the confirmation is seen by the whole channel, and only alerts may ping anyone.
        var who = mentions.Count == 0 ? "No one is mentioned on alerts." : $"Alerts will mention {Mentions.Describe(mentions)}.";
        var intro = updated
            ? $":bell: <@{userId}> updated this channel's subscription to comparison {Code(c.CompareJobId)}. {who}"
            : $":bell: <@{userId}> subscribed this channel to comparison {Code(c.CompareJobId)}. " +
              $"I'll post here when the full comparison completes, when the incremental comparison catches up, " +
              $"and when it needs attention (rows to recheck, the comparison disappears, DRS stops answering). {who}";
        var blocks = new List<Block> { Blocks.Section(intro) };
        blocks.AddRange(card.Blocks!);
        blocks.Add(Blocks.Context("In a private channel, `/invite` DrsBot so it can post here. Stop with `/drs-progress unsubscribe`."));
        return new SlackMessage($"Subscribed this channel to comparison {c.CompareJobId}: {ProgressMessages.Summary(progress)}", blocks)
        {
            ResponseType = SlackMessage.InChannel,
        };
    }

    public static SlackMessage Unsubscribed(string userId, ComparisonRef c) => new(
        $"Unsubscribed this channel from comparison {c.CompareJobId}.",
        [Blocks.Section($":no_bell: <@{userId}> unsubscribed this channel from comparison {Code(c.CompareJobId)} (job {Code(c.JobId)}).")])
    {
        ResponseType = SlackMessage.InChannel,
    };

    public static SlackMessage NotSubscribed(ComparisonRef c) => new(
        $"This channel is not subscribed to comparison {c.CompareJobId}.",
        [Blocks.Section($"This channel is not subscribed to comparison {Code(c.CompareJobId)} in job {Code(c.JobId)}. `/drs-progress list` shows what it watches.")]);

    public static SlackMessage TooMany(string where, int limit, string setting) => new(
        $"Not subscribed: {where} already watches {limit} comparisons, the most allowed.",
        [Blocks.Section($":no_entry_sign: Not subscribed: {where} already watches {Format.Plural(limit, "comparison")}, the most allowed " +
                        $"(`{setting}`). `/drs-progress list` shows them; unsubscribe from finished ones first.")]);

    public static SlackMessage BroadcastNotAllowed() => new(
        "Not subscribed: @here, @channel and @everyone are turned off for alerts in this workspace.",
        [Blocks.Section(":no_bell: Not subscribed: this DrsBot is set up not to use `@here`, `@channel` or `@everyone` on alerts " +
                        "(`Slack:AllowBroadcastMentions`). Mention the on-call people or their user group instead, e.g. " +
                        "`/drs-progress subscribe <job_id> <compare_job_id> @db-oncall`.")]);

    /// <param name="stretched">Profiles whose polls the DRS call budget stretches, and to what.</param>
    /// <param name="channelProfile">The channel's DRS profile, given when there are several (then every line names its own).</param>
    public static SlackMessage List(
        IReadOnlyList<(Subscription Subscription, WatchRecord? Watch)> items, DigestSetting? digest = null,
        IReadOnlyDictionary<string, TimeSpan>? stretched = null, string? channelProfile = null)
    {
        var digestLine = digest is null
            ? "No daily digest: `/drs-progress digest 09:00 Europe/Berlin` sets one."
            : $":newspaper: Daily digest {DigestMessages.Describe(digest)} · `/drs-progress digest off` stops it";
        if (items.Count == 0)
        {
            return new SlackMessage("This channel watches no comparisons.",
            [
                Blocks.Section($"This channel watches no comparisons. Start with {Code("/drs-progress subscribe <job_id> <compare_job_id>")}."),
                Blocks.Context(ProfileLine(channelProfile) + digestLine),
            ]);
        }

        var blocks = new List<Block>
        {
            Blocks.Header($"This channel watches {Format.Plural(items.Count, "comparison")}"),
            Blocks.Context(ProfileLine(channelProfile) + digestLine),
        };
        foreach (var (profile, every) in (stretched ?? new Dictionary<string, TimeSpan>()).OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            // The budget, not the setting, decides how fresh the news is: say so where people look.
            var setting = $"{ComparisonRef.SettingsSection(profile)}:MaxCallsPerMinute";
            var which = channelProfile is null && profile == ComparisonRef.DefaultProfile ? "Each comparison" : $"Each comparison in profile {Code(profile)}";
            blocks.Add(Blocks.Context($":hourglass: {which} is checked every {Format.Duration(every)} (DRS call budget, `{setting}`)."));
        }

        foreach (var (subscription, watch) in items.Take(MaxListed))
        {
            blocks.Add(Blocks.Section(Line(subscription, watch, channelProfile is null ? null : subscription.Comparison.ProfileName)));
        }

        if (items.Count > MaxListed)
        {
            blocks.Add(Blocks.Context($"…and {items.Count - MaxListed} more."));
        }

        return new SlackMessage($"This channel watches {Format.Plural(items.Count, "comparison")}.", blocks);
    }

    private static string ProfileLine(string? channelProfile) =>
        channelProfile is null ? "" : $":globe_with_meridians: DRS profile {Code(channelProfile)} (`/drs-progress use` changes it) · ";

    private static string Line(Subscription s, WatchRecord? w, string? profile)
    {
        var c = s.Comparison;
        var state = w?.LastProgress is { } p
            ? $"{ComparisonStatus.Of(p).Emoji} {Escape(ProgressMessages.Summary(p))}{ProgressMessages.EtaSuffix(w)}"
            : "not read yet";
        var read = w?.LastReadAt is { } at ? $" · read {Date(at)}" : "";
        var problem = w is { LastPollFailed: true }
            ? $"\n:warning: Last poll failed: {FailureMessages.Explain(c, w.LastFailure!).Title} ({Date(w.LastFailureAt!.Value)})"
            : "";
        var gone = w?.GoneAt is { } goneAt
            ? $"\n:ghost: DRS no longer knows this comparison ({Date(goneAt)}); DrsBot stops watching once this channel has its alert."
            : "";
        var paused = s.PausedReason is { } reason
            ? $"\n:no_entry: *Paused*: Slack refused to post here ({Code(reason)}). {Advice(reason)} then subscribe again."
            : "";
        var onCall = ThreadMessages.OnCallBelow(s, null);
        var mentions = s.Mentions.Length == 0 ? "" : $"\nAlerts mention {string.Join(" ", s.Mentions)}";
        var audit = $"\nSubscribed by <@{s.SubscribedBy}> {Date(s.SubscribedAt)}" +
                    (s.MentionsChangedBy is { } by && s.MentionsChangedAt is { } changedAt ? $" · mentions changed by <@{by}> {Date(changedAt)}" : "");
        return $"*{Escape(c.CompareJobId)}* ({ProgressMessages.InJob(c, profile)})\n{state}{read}{problem}{gone}{paused}{onCall}{mentions}{audit}";
    }

    private static string Advice(string reason) => reason switch
    {
        "not_in_channel" => "Invite DrsBot to this channel (`/invite`),",
        "is_archived" => "Unarchive the channel,",
        _ => "Check that DrsBot may post here,",
    };
}
