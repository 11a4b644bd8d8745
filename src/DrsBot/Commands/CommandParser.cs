using System.Text.RegularExpressions;
using DrsBot.Watching;

namespace DrsBot.Commands;

/// <summary>
/// The grammar of <c>/drs-progress</c>:
/// <c>help</c> | <c>&lt;job_id&gt; &lt;compare_job_id&gt;</c> | <c>subscribe &lt;job_id&gt; &lt;compare_job_id&gt; [mentions…] [--no-thread]</c>
/// | <c>unsubscribe &lt;job_id&gt; &lt;compare_job_id&gt;</c> | <c>tables &lt;job_id&gt; &lt;compare_job_id&gt;</c> | <c>list</c> | <c>&lt;job_id&gt;</c>
/// | <c>digest &lt;HH:MM&gt; [time zone]</c> | <c>digest off</c> | <c>use [profile]</c>. A job id may name its DRS profile:
/// <c>staging:job-1</c>; without one it is the channel's (<paramref name="channelProfile"/> of <see cref="Parse"/>).
/// </summary>
public static partial class CommandParser
{
    public const int MaxTextLength = 2000;
    public const int MaxMentions = 10;
    public const string NoThread = "--no-thread";

    /// <param name="text">The slash command's text.</param>
    /// <param name="channelProfile">The profile a job id without one is in: the channel's (<c>use</c>); null, the default one.</param>
    public static Command Parse(string? text, string? channelProfile = null)
    {
        text ??= "";
        if (text.Length > MaxTextLength)
        {
            return new InvalidCommand($"That command is too long (over {MaxTextLength} characters).");
        }

        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 0)
        {
            return new HelpCommand();
        }

        return words[0].ToLowerInvariant() switch
        {
            "help" or "-h" or "--help" or "?" when words.Length == 1 => new HelpCommand(),
            "list" or "ls" when words.Length == 1 => new ListCommand(),
            "subscribe" or "watch" => ParseSubscribe(words[1..], channelProfile),
            "use" when words.Length == 1 => new UseCommand(null),
            "use" when words.Length == 2 => ComparisonRef.IsValidProfile(words[1].ToLowerInvariant())
                ? new UseCommand(words[1].ToLowerInvariant())
                : new InvalidCommand($"`{Clip(words[1])}` is not a profile name: profiles are 1–{ComparisonRef.MaxProfileLength} letters, digits or `-`."),
            "use" => new InvalidCommand("Use `use <profile>` to set this channel's DRS profile, or `use` to see it."),
            "unsubscribe" or "unwatch" => ParseComparison(words[0], words[1..], exact: true, channelProfile) switch
            {
                (ComparisonRef c, _) => new UnsubscribeCommand(c),
                (_, var problem) => new InvalidCommand(problem!),
            },
            "tables" => ParseComparison(words[0], words[1..], exact: true, channelProfile) switch
            {
                (ComparisonRef c, _) => new TablesCommand(c),
                (_, var problem) => new InvalidCommand(problem!),
            },
            "snooze" => ParseSnooze(words[1..], channelProfile),
            "unsnooze" => ParseComparison(words[0], words[1..], exact: true, channelProfile) switch
            {
                (ComparisonRef c, _) => new UnsnoozeCommand(c),
                (_, var problem) => new InvalidCommand(problem!),
            },
            "digest" => ParseDigest(words[1..]),
            "help" or "list" or "ls" => new InvalidCommand($"`{words[0]}` takes no arguments."),
            _ when words.Length == 2 => ParseComparison(null, words, exact: true, channelProfile) switch
            {
                (ComparisonRef c, _) => new ProgressCommand(c),
                (_, var problem) => new InvalidCommand(problem!),
            },
            _ when words.Length == 1 && JobId(words[0], channelProfile) is ({ } job, var profile) => new JobCommand(job, profile),
            _ when words.Length == 1 => new InvalidCommand($"`{Clip(words[0])}` is not a command or a valid DRS job id."),
            _ => new InvalidCommand("Too many words: give the DRS job id, then the comparison task id."),
        };
    }

    private static Command ParseSubscribe(string[] args, string? channelProfile)
    {
        var (comparison, problem) = ParseComparison("subscribe", args, exact: false, channelProfile);
        if (comparison is null)
        {
            return new InvalidCommand(problem!);
        }

        var threaded = !args.Skip(2).Contains(NoThread, StringComparer.OrdinalIgnoreCase);
        var mentions = args[2..].Where(a => !a.Equals(NoThread, StringComparison.OrdinalIgnoreCase)).ToArray();
        if (mentions.Length > MaxMentions)
        {
            return new InvalidCommand($"At most {MaxMentions} people or groups can be mentioned.");
        }

        var notMention = mentions.FirstOrDefault(m => !MentionPattern().IsMatch(m));
        if (notMention is not null)
        {
            return new InvalidCommand(
                $"`{Clip(notMention)}` is not a Slack mention. After the ids, name people or groups with @, or use @here / @channel.");
        }

        return new SubscribeCommand(comparison, [.. mentions.Distinct(StringComparer.Ordinal)], threaded);
    }

    private const string SnoozeUsage = "Use `snooze <job_id> <compare_job_id> <duration>` with a duration such as `30m`, `2h` or `1d` (7 days at most), or `snooze <job_id> <compare_job_id> off`.";

    private static Command ParseSnooze(string[] args, string? channelProfile)
    {
        if (args.Length != 3)
        {
            return new InvalidCommand(SnoozeUsage);
        }

        var off = args.Length == 3 && args[0].Equals("off", StringComparison.OrdinalIgnoreCase) ? args[1..] // snooze off <job> <cmp>
            : args.Length == 3 && args[2].Equals("off", StringComparison.OrdinalIgnoreCase) ? args[..2] // snooze <job> <cmp> off
            : null;
        var (comparison, problem) = ParseComparison("snooze", off ?? args[..2], exact: true, channelProfile);
        if (comparison is null)
        {
            return new InvalidCommand(problem!);
        }

        if (off is not null)
        {
            return new UnsnoozeCommand(comparison);
        }

        return Duration(args[2]) is { } length
            ? new SnoozeCommand(comparison, length)
            : new InvalidCommand($"`{Clip(args[2])}` is not a snooze length. {SnoozeUsage}");
    }

    /// <summary>"30m", "2h", "1h30m", "1d": one minute to seven days.</summary>
    public static TimeSpan? Duration(string text)
    {
        var match = DurationPattern().Match(text);
        if (!match.Success || match.Length == 0)
        {
            return null;
        }

        static int Part(Group g) => g.Success ? int.Parse(g.Value[..^1], System.Globalization.CultureInfo.InvariantCulture) : 0;
        var length = new TimeSpan(Part(match.Groups["d"]), Part(match.Groups["h"]), Part(match.Groups["m"]), 0);
        return length >= TimeSpan.FromMinutes(1) && length <= TimeSpan.FromDays(OnCall.MaxSnoozeDays) ? length : null;
    }

    [GeneratedRegex(@"^(?<d>[0-9]{1,2}d)?(?<h>[0-9]{1,3}h)?(?<m>[0-9]{1,5}m)?$", RegexOptions.IgnoreCase)]
    private static partial Regex DurationPattern();

    private static Command ParseDigest(string[] args)
    {
        const string usage = "Use `digest HH:MM [time zone]`, e.g. `digest 09:00 Europe/Berlin`, or `digest off`.";
        if (args is [var off] && off.Equals("off", StringComparison.OrdinalIgnoreCase))
        {
            return new DigestOffCommand();
        }

        if (args.Length is 0 or > 2)
        {
            return new InvalidCommand(usage);
        }

        if (!TimeOnly.TryParseExact(args[0], ["H:mm", "HH:mm"], System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out var at))
        {
            return new InvalidCommand($"`{Clip(args[0])}` is not a time of day. {usage}");
        }

        var zoneName = args.Length == 2 ? args[1] : "UTC";
        // Only the shape of an IANA name reaches the system's time zone database.
        if (!ZonePattern().IsMatch(zoneName) || !TimeZoneInfo.TryFindSystemTimeZoneById(zoneName, out var zone))
        {
            return new InvalidCommand($"`{Clip(zoneName)}` is not a time zone I know. Use an IANA name such as `UTC`, `Asia/Singapore` or `America/New_York`.");
        }

        return new DigestCommand(at, zone);
    }

    /// <summary>
    /// A job id, or <c>profile:job_id</c>: the id and the profile (the channel's when none is named). Null when it is
    /// neither; a profile that is not configured or not allowed here is the router's to refuse, before any DRS call.
    /// </summary>
    public static (string? JobId, string? Profile) JobId(string word, string? channelProfile)
    {
        var colon = word.IndexOf(':');
        if (colon < 0)
        {
            return ComparisonRef.IsValidId(word) ? (word, channelProfile) : (null, null);
        }

        var (profile, job) = (word[..colon].ToLowerInvariant(), word[(colon + 1)..]);
        return ComparisonRef.IsValidProfile(profile) && ComparisonRef.IsValidId(job)
            ? (job, profile == ComparisonRef.DefaultProfile ? null : profile)
            : (null, null);
    }

    private static (ComparisonRef? Comparison, string? Problem) ParseComparison(string? verb, string[] args, bool exact, string? channelProfile)
    {
        var prefix = verb is null ? "" : $"`{verb}` needs ";
        if (args.Length < 2 || (exact && args.Length > 2))
        {
            return (null, verb is null
                ? "Give the DRS job id, then the comparison task id."
                : $"{prefix}the DRS job id and the comparison task id.");
        }

        var (job, profile) = JobId(args[0], channelProfile);
        if (job is null)
        {
            return (null, args[0].Contains(':', StringComparison.Ordinal)
                ? $"`{Clip(args[0])}` is not `profile:job_id`: profiles are 1–{ComparisonRef.MaxProfileLength} letters, digits or `-`, ids 1–{ComparisonRef.MaxIdLength} letters, digits, `-` or `_`."
                : $"The job id `{Clip(args[0])}` is not valid: ids are 1–{ComparisonRef.MaxIdLength} letters, digits, `-` or `_`.");
        }

        if (!ComparisonRef.IsValidId(args[1]))
        {
            return (null, $"The comparison task id `{Clip(args[1])}` is not valid: ids are 1–{ComparisonRef.MaxIdLength} letters, digits, `-` or `_`.");
        }

        return (new ComparisonRef(job, args[1], profile), null);
    }

    // Echoed input is clipped and stripped of anything that could format or ping; the renderer escapes the rest.
    private static string Clip(string word)
    {
        var safe = new string([.. word.Where(c => !char.IsControl(c) && c != '`')]);
        return safe.Length <= 40 ? safe : safe[..40] + "…";
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_+\-]{0,30}(/[A-Za-z0-9_+\-]{1,30}){0,2}$")]
    private static partial Regex ZonePattern();

    /// <summary>Slack's escaped mention tokens: users, user groups, @here, @channel, @everyone.</summary>
    [GeneratedRegex(@"^(<@[UW][A-Z0-9]{2,20}(\|[^<>|]{0,80})?>|<!subteam\^S[A-Z0-9]{2,20}(\|[^<>|]{0,80})?>|<!here(\|here)?>|<!channel(\|channel)?>|<!everyone(\|everyone)?>)$")]
    private static partial Regex MentionPattern();
}
