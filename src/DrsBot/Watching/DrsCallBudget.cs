using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace DrsBot.Watching;

/// <summary>
/// What the core knows of one DRS profile: its call budget (<c>MaxCallsPerMinute</c>, and the <c>CommandShare</c> of it
/// kept for people waiting on a command or a button) and the channels that may use it (<c>AllowedChannels</c>; empty:
/// every channel). The DRS edge knows the rest (where DRS is, the credentials).
/// </summary>
public class DrsProfileLimits
{
    public int MaxCallsPerMinute { get; set; } = 300;

    public double CommandShare { get; set; } = 0.2;

    public string[] AllowedChannels { get; set; } = [];
}

/// <summary>The <c>Drs</c> section as the core reads it: the default profile's limits, and every <c>Drs:Profiles:&lt;name&gt;</c>'s.</summary>
public sealed class DrsBudgetOptions : DrsProfileLimits
{
    public const string Section = "Drs";

    public Dictionary<string, DrsProfileLimits> Profiles { get; set; } = [];
}

internal sealed class DrsBudgetOptionsValidator : Infrastructure.KeyedOptionsValidator<DrsBudgetOptions>
{
    protected override void Check(DrsBudgetOptions options, List<string> problems)
    {
        Check(options, ComparisonRef.SettingsSection(null), problems);
        foreach (var (name, profile) in options.Profiles)
        {
            Check(profile, ComparisonRef.SettingsSection(name), problems); // a bad name is the DRS edge's to report
        }
    }

    private static void Check(DrsProfileLimits limits, string prefix, List<string> problems)
    {
        if (limits.MaxCallsPerMinute is < 1 or > 1_000_000)
        {
            problems.Add($"{prefix}:MaxCallsPerMinute must be between 1 and 1000000");
        }

        if (limits.CommandShare is < 0 or > 0.9 || double.IsNaN(limits.CommandShare))
        {
            problems.Add($"{prefix}:CommandShare must be between 0 and 0.9 (a fraction: 0.2 keeps 20 % of the budget for commands)");
        }

        if (limits.AllowedChannels.FirstOrDefault(c => c.Length is < 2 or > 32 || !c.All(ch => char.IsAsciiLetterUpper(ch) || char.IsAsciiDigit(ch))) is { } bad)
        {
            problems.Add($"{prefix}:AllowedChannels must list channel ids such as C0123ABCD (found '{(bad.Length > 20 ? bad[..20] + "…" : bad)}')");
        }
    }
}

/// <summary>
/// The DRS profiles by name, as the core sees them: which exist, which channels may use each, and whether there are
/// several (then every message names the profile of the comparison it is about).
/// </summary>
public sealed class DrsProfiles(IOptions<DrsBudgetOptions> options)
{
    private IReadOnlyList<string>? _names;

    /// <summary><see cref="ComparisonRef.DefaultProfile"/> first, then the named ones in order.</summary>
    public IReadOnlyList<string> Names => _names ??=
        [ComparisonRef.DefaultProfile, .. options.Value.Profiles.Keys.Where(k => k != ComparisonRef.DefaultProfile).Order(StringComparer.Ordinal)];

    /// <summary>More than one profile: messages say which one they are about.</summary>
    public bool Several => Names.Count > 1;

    public bool Exists(string? name) => name is null || Names.Contains(name, StringComparer.Ordinal);

    /// <summary>The profile's limits; a profile no longer configured (a watch stored before it was removed) gets the default's.</summary>
    public DrsProfileLimits Limits(string? name) =>
        name is null or ComparisonRef.DefaultProfile || !options.Value.Profiles.TryGetValue(name, out var limits) ? options.Value : limits;

    /// <summary>Whether <paramref name="channelId"/> may use the profile: it exists, and its AllowedChannels is empty or lists it.</summary>
    public bool Allows(string? name, string channelId) =>
        Exists(name) && Limits(name).AllowedChannels is var allowed && (allowed.Length == 0 || allowed.Contains(channelId, StringComparer.Ordinal));

    /// <summary>The profiles <paramref name="channelId"/> may use.</summary>
    public IReadOnlyList<string> AllowedIn(string channelId) => [.. Names.Where(n => Allows(n, channelId))];

    /// <summary>The profile to name in a message about <paramref name="comparison"/>: its name when there are several, else null.</summary>
    public string? Label(ComparisonRef comparison) => Several ? comparison.ProfileName : null;

    public string? Label(string? profile) => Several ? profile ?? ComparisonRef.DefaultProfile : null;
}

/// <summary>One <see cref="DrsCallBudget"/> per profile: one profile's polls or throttling never slow another's.</summary>
public sealed class DrsCallBudgets(IOptions<WatchOptions> watch, DrsProfiles profiles, TimeProvider time, ILoggerFactory loggers)
{
    private readonly ConcurrentDictionary<string, DrsCallBudget> _budgets = new(StringComparer.Ordinal);

    public DrsCallBudget For(string? profile) => _budgets.GetOrAdd(profile ?? ComparisonRef.DefaultProfile,
        name => new DrsCallBudget(watch, profiles.Limits(name), time, loggers.CreateLogger<DrsCallBudget>(), name));

    public DrsCallBudget For(ComparisonRef comparison) => For(comparison.Profile);

    /// <summary>The configured profiles' budgets, and any a stored watch of a removed profile made.</summary>
    public IEnumerable<DrsCallBudget> All => profiles.Names.Select(For).Concat(_budgets.Values).Distinct();
}

/// <summary>
/// The DRS call budget. Polls are planned within it: when the watched comparisons need more calls than the polls'
/// part of the budget, every comparison's interval stretches evenly, to the next interval the schedule can express,
/// a figure every replica computes alike from the number watched. Commands come first: they may use whatever the
/// planned polls leave of the minute, never less than their share. When DRS throttles, the polls' rate halves (once per
/// interval) and recovers by a tenth a minute. Calls are counted in whole minutes of <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class DrsCallBudget(
    IOptions<WatchOptions> watch, DrsProfileLimits limits, TimeProvider time, ILogger logger, string profile = ComparisonRef.DefaultProfile)
{
    /// <summary>The profile whose calls this budget counts.</summary>
    public string Profile => profile;

    private const double MinFactor = 1.0 / 64;
    private readonly Lock _gate = new();
    private long _watched;
    private double _factor = 1;
    private DateTimeOffset _halvedAt = DateTimeOffset.MinValue;
    private DateTimeOffset _throttledAt = DateTimeOffset.MinValue;
    private DateTimeOffset _recoveredAt = DateTimeOffset.MinValue;
    private long _minute = -1;
    private int _pollCalls;
    private int _commandCalls;

    /// <summary>The interval <c>Watch:PollInterval</c> asks for.</summary>
    public TimeSpan Configured => watch.Value.PollInterval;

    /// <summary>The interval polls run at: the configured one, or longer when the budget cannot carry it.</summary>
    public TimeSpan Interval
    {
        get
        {
            lock (_gate)
            {
                Recover(time.GetUtcNow());
                return Effective(Configured, Volatile.Read(ref _watched), PollCallsPerMinute);
            }
        }
    }

    /// <summary>Whether the budget, not the setting, decides the interval now.</summary>
    public bool Stretched => Interval > Configured;

    private double PollCallsPerMinute => limits.MaxCallsPerMinute * (1 - limits.CommandShare) * _factor;

    /// <summary>How many comparisons are watched (all replicas see the same count, from the store).</summary>
    public void Watched(long comparisons) => Volatile.Write(ref _watched, Math.Max(0, comparisons));

    /// <summary>
    /// The smallest interval the schedule can express (<see cref="WatchOptions.IsExpressible"/>) that is at least
    /// <paramref name="configured"/> and polls <paramref name="watched"/> comparisons within <paramref name="callsPerMinute"/>.
    /// </summary>
    public static TimeSpan Effective(TimeSpan configured, long watched, double callsPerMinute)
    {
        var needed = TimeSpan.FromMinutes(watched / Math.Max(callsPerMinute, 0.001));
        return needed <= configured ? configured : Expressible.FirstOrDefault(i => i >= needed, Expressible[^1]);
    }

    private static readonly TimeSpan[] Expressible =
    [
        .. Enumerable.Range(5, 55).Select(s => TimeSpan.FromSeconds(s)).Where(WatchOptions.IsExpressible),
        .. Enumerable.Range(1, 59).Select(m => TimeSpan.FromMinutes(m)).Where(WatchOptions.IsExpressible),
        .. Enumerable.Range(1, 24).Select(h => TimeSpan.FromHours(h)).Where(WatchOptions.IsExpressible),
    ];

    /// <summary>A poll may call DRS: within the polls' part of this minute. A refused poll reads at its next slot.</summary>
    public bool TryPoll()
    {
        lock (_gate)
        {
            Roll();
            if (_pollCalls >= Math.Max(1, (int)Math.Floor(PollCallsPerMinute)))
            {
                return false;
            }

            _pollCalls++;
            return true;
        }
    }

    /// <summary>
    /// A command may call DRS: within what this minute's planned polls leave of the budget, and never less than the
    /// commands' share.
    /// </summary>
    public bool TryCommand()
    {
        lock (_gate)
        {
            Roll();
            var planned = Volatile.Read(ref _watched) / Effective(Configured, Volatile.Read(ref _watched), PollCallsPerMinute).TotalMinutes;
            var allowed = Math.Max(limits.MaxCallsPerMinute * limits.CommandShare, limits.MaxCallsPerMinute - Math.Max(planned, _pollCalls));
            if (_commandCalls >= Math.Max(1, (int)Math.Floor(allowed)))
            {
                return false;
            }

            _commandCalls++;
            return true;
        }
    }

    /// <summary>DRS said it throttles DrsBot (429, APIG.0308): the polls' rate halves, at most once per interval.</summary>
    public void Throttled()
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            _throttledAt = now; // no recovery while DRS still throttles
            var interval = Effective(Configured, Volatile.Read(ref _watched), PollCallsPerMinute);
            if (now - _halvedAt < interval || _factor <= MinFactor)
            {
                return;
            }

            var first = _factor >= 1;
            _factor = Math.Max(MinFactor, _factor / 2);
            _halvedAt = now;
            if (first)
            {
                LogThrottled(logger, profile, Effective(Configured, Volatile.Read(ref _watched), PollCallsPerMinute)); // once an episode
            }
        }
    }

    private void Recover(DateTimeOffset now)
    {
        // Additive increase: a tenth of the full rate back for every whole minute without throttling.
        while (_factor < 1 && now - Max(_throttledAt, _recoveredAt) >= TimeSpan.FromMinutes(1))
        {
            _recoveredAt = Max(_throttledAt, _recoveredAt) + TimeSpan.FromMinutes(1);
            _factor = Math.Min(1, _factor + 0.1);
            if (_factor >= 1)
            {
                LogRecovered(logger, profile, Effective(Configured, Volatile.Read(ref _watched), PollCallsPerMinute));
            }
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private void Roll()
    {
        var now = time.GetUtcNow();
        Recover(now);
        var minute = now.ToUnixTimeSeconds() / 60;
        if (minute != _minute)
        {
            (_minute, _pollCalls, _commandCalls) = (minute, 0, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "DRS is throttling DrsBot (429/APIG.0308) in profile {Profile}: polls slowed to every {Interval}, halving again while it goes on and recovering a tenth a minute after")]
    private static partial void LogThrottled(ILogger logger, string profile, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Information, Message = "DRS stopped throttling DrsBot in profile {Profile}: polls are back to every {Interval}")]
    private static partial void LogRecovered(ILogger logger, string profile, TimeSpan interval);
}
