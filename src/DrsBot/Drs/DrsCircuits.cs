using DrsBot.Infrastructure;
using DrsBot.Watching;
using Polly;

namespace DrsBot.Drs;

/// <summary>
/// The DRS circuit breakers' settings, state and evidence, for the process: two per profile, one per call kind, so a
/// burst of commands (or a user hammering a wrong id) can open the interactive one but never the one polls go through,
/// which would page the on-call, and one profile's outage (another region, another account) pauses only its own calls.
/// Polly's breaker stops calls for <see cref="BreakDuration"/> once at least
/// <see cref="FailureRatio"/> of the last <see cref="SamplingDuration"/>'s calls failed (and there were at least
/// <see cref="MinimumThroughput"/>); after the break one trial call decides.
/// </summary>
internal sealed partial class DrsCircuits
{
    public const double FailureRatio = 0.8;
    public const int MinimumThroughput = 10;
    public static readonly TimeSpan SamplingDuration = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(15);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Profile, DrsCallKind Kind), Circuit> _circuits = new();
    private readonly TimeProvider _time;
    private readonly ILogger<DrsCircuits> _logger;

    public DrsCircuits(TimeProvider time, ILogger<DrsCircuits> logger, DrsBotMetrics? metrics = null)
    {
        (_time, _logger) = (time, logger);
        For(ComparisonRef.DefaultProfile, DrsCallKind.Interactive); // the default's are gauged from the start
        For(ComparisonRef.DefaultProfile, DrsCallKind.Background);
        metrics?.ObserveCircuits(() => _circuits.Select(c =>
            (c.Key.Profile, DrsResilience.NameOf(c.Key.Kind), c.Value.IsOpen)));
    }

    public Circuit For(string profile, DrsCallKind kind) => _circuits.GetOrAdd((profile, kind), key =>
        new(DrsResilience.NameOf(key.Kind), key.Profile, _time, _logger));

    public bool IsOpen(DrsCallKind kind, string profile = ComparisonRef.DefaultProfile) => For(profile, kind).IsOpen;

    /// <summary>One kind's breaker: its state, what it counts as a failure, and the lines it logs.</summary>
    internal sealed class Circuit(string name, string profile, TimeProvider time, ILogger logger)
    {
        private readonly DrsWideFailures _evidence = new(time, SamplingDuration);
        private volatile bool _open;

        /// <summary>
        /// Open or half-open, as the breaker's own callbacks last said. Not Polly's CircuitBreakerStateProvider: the
        /// registry can build a pipeline twice when its first calls race, and a provider serves one breaker only.
        /// </summary>
        public bool IsOpen => _open;

        /// <summary>
        /// Whether the breaker counts this outcome as a failure. Open means "DRS as a whole is not answering", and every
        /// watched comparison then counts as failing, so only DRS-wide failures count (<see cref="DrsWideFailures"/>):
        /// one comparison that times out while others are read is that comparison's problem.
        /// </summary>
        public bool Counts(Outcome<HttpResponseMessage> outcome, ResilienceContext context) =>
            DrsResilience.IsDrsFailure(outcome) is { } failed
            && _evidence.Counts(context.GetRequestMessage() is DrsRequest drs ? drs.Subject : "", failed);

        public ValueTask Opened(TimeSpan @break)
        {
            _open = true;
            LogOpened(logger, name, profile, SamplingDuration.TotalSeconds, @break.TotalSeconds);
            return ValueTask.CompletedTask;
        }

        public ValueTask Closed()
        {
            _open = false;
            LogClosed(logger, name, profile);
            return ValueTask.CompletedTask;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "DRS calls ({Kind}, profile {Profile}) paused: most calls in the last {Window} s failed; one trial call after {Break} s")]
    private static partial void LogOpened(ILogger logger, string kind, string profile, double window, double @break);

    [LoggerMessage(Level = LogLevel.Information, Message = "DRS calls ({Kind}, profile {Profile}) resumed: the trial call succeeded")]
    private static partial void LogClosed(ILogger logger, string kind, string profile);
}

/// <summary>
/// Tells a failure about DRS as a whole from a failure about one subject (a comparison or a job). Within the window,
/// failures from two or more subjects speak for DRS, and so do failures of the only subjects called; failures of one
/// subject while others are answered speak only for that subject.
/// </summary>
internal sealed class DrsWideFailures(TimeProvider time, TimeSpan window)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _failed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _answered = new(StringComparer.Ordinal);
    private readonly long _windowTicks = (long)(window.TotalSeconds * time.TimestampFrequency);
    private long _nextSweep;

    /// <summary>Notes the outcome; true when it is a failure that speaks for DRS as a whole.</summary>
    public bool Counts(string subject, bool failed)
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            Sweep(now);
            (failed ? _failed : _answered)[subject] = now;
            if (!failed)
            {
                return false;
            }

            foreach (var (other, at) in _failed)
            {
                if (other != subject && now - at <= _windowTicks)
                {
                    return true; // a second subject failing
                }
            }

            foreach (var (other, at) in _answered)
            {
                if (other != subject && now - at <= _windowTicks)
                {
                    return false; // another subject was answered: this one is the problem
                }
            }

            return true; // the only subject called
        }
    }

    /// <summary>Forgets subjects not seen in the window, once a window, so ids typed once do not stay for good.</summary>
    private void Sweep(long now)
    {
        if (now < _nextSweep)
        {
            return;
        }

        _nextSweep = now + _windowTicks;
        foreach (var map in (ReadOnlySpan<Dictionary<string, long>>)[_failed, _answered])
        {
            foreach (var (subject, at) in map)
            {
                if (now - at > _windowTicks)
                {
                    map.Remove(subject);
                }
            }
        }
    }
}
