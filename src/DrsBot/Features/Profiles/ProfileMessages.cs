using DrsBot.Slack;
using DrsBot.Watching;
using static DrsBot.Slack.Mrkdwn;

namespace DrsBot.Features.Profiles;

/// <summary>What <c>use</c> answers, and the refusals of a profile that is unknown or not allowed in a channel.</summary>
public static class ProfileMessages
{
    public static SlackMessage Shown(string current, IReadOnlyList<string> allowed) => new(
        $"This channel uses the DRS profile {current}.",
        [
            Blocks.Section($":globe_with_meridians: This channel uses the DRS profile {Code(current)}: a job id without a profile is looked up there."),
            Blocks.Context($"Profiles this channel may use: {string.Join(", ", allowed.Select(Code))} · `/drs-progress use &lt;profile&gt;` changes it · " +
                           "`&lt;profile&gt;:&lt;job_id&gt;` names one for a single command"),
        ]);

    public static SlackMessage Set(string userId, string profile) => new(
        $"This channel now uses the DRS profile {profile}.",
        [Blocks.Section($":globe_with_meridians: <@{userId}> set this channel's DRS profile to {Code(profile)}. Job ids without a profile are looked up there.")])
    {
        ResponseType = SlackMessage.InChannel,
    };

    public static SlackMessage OnlyOne() => new(
        "This DrsBot knows one DRS profile.",
        [Blocks.Section(":globe_with_meridians: This DrsBot is set up for one DRS project (the profile `default`), so there is nothing to choose. " +
                        "More are added as `Drs:Profiles:&lt;name&gt;` in its configuration.")]);

    public static SlackMessage Unknown(string profile, IReadOnlyList<string> allowed) => new(
        $"There is no DRS profile named {profile}.",
        [Blocks.Section($":grey_question: There is no DRS profile named {Code(profile)}. This channel may use {string.Join(", ", allowed.Select(Code))}.")]);

    public static SlackMessage NotAllowed(string profile, IReadOnlyList<string> allowed) => new(
        $"The DRS profile {profile} is not available in this channel.",
        [Blocks.Section($":no_entry_sign: The DRS profile {Code(profile)} is not available in this channel (`{Escape(ComparisonRef.SettingsSection(profile))}:AllowedChannels`). " +
                        (allowed.Count == 0 ? "No profile is available here." : $"This channel may use {string.Join(", ", allowed.Select(Code))}."))]);
}
