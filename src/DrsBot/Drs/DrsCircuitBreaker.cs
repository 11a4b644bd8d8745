namespace DrsBot.Drs;

/// <summary>What one call to DRS tells the breaker.</summary>
internal enum CallOutcome
{
    /// <summary>DRS answered, whatever it said, other than the failures below.</summary>
    Success,

    /// <summary>
    /// No answer from DRS as a whole: a failed connection, an attempt that timed out, the gateway's 502/503/504, 408,
    /// or throttling. An error DRS answers about one comparison (a 500 with its own code) is an answer, not this.
    /// </summary>
    Failure,

    /// <summary>The caller gave up first, or something other than DRS failed: says nothing about DRS.</summary>
    Ignored,
}

/// <summary>
/// Stops calling DRS for <see cref="BreakDuration"/> once at least <see cref="FailureRatio"/> of the last
/// <see cref="SamplingDuration"/>'s calls failed (and there were at least <see cref="MinimumThroughput"/>), so an
/// outage costs each caller one fast, clear failure instead of retries piling onto a struggling service. After the
/// break, one trial call goes through: its success closes the breaker, its failure opens it again.
/// <para>
/// Open means "DRS as a whole is not answering", and every watched comparison then counts as failing, so the
/// evidence must be about DRS as a whole: failures from at least two subjects (comparisons or jobs), or from the
/// only subjects called in the window. One comparison that times out while others are read keeps it closed.
/// </para>
/// </summary>
internal sealed partial class DrsCircuitBreaker
{
    public const double FailureRatio = 0.8;
    public const int MinimumThroughput = 10;
    public static readonly TimeSpan SamplingDuration = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(15);

    /// <summary>The window moves in tenths of its length: old calls leave it in steps, not all at once.</summary>
    private const int Buckets = 10;

    private const int Closed = 0, Open = 1, Trial = 2;

    private readonly string _name;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _bucketTicks;
    private readonly long _breakTicks;
    private readonly Lock _lock = new();
    private readonly int[] _calls = new int[Buckets];
    private readonly int[] _failures = new int[Buckets];
    private readonly HashSet<string>?[] _failing = new HashSet<string>?[Buckets];
    private readonly HashSet<string>?[] _answered = new HashSet<string>?[Buckets];
    private long _newestBucket;
    private int _state; // read without the lock on the way in: a closed breaker costs a call one volatile read
    private long _openUntil;

    public DrsCircuitBreaker(string name, TimeProvider time, ILogger logger)
    {
        _name = name;
        _time = time;
        _logger = logger;
        _bucketTicks = (long)(SamplingDuration.TotalSeconds * time.TimestampFrequency / Buckets);
        _breakTicks = (long)(BreakDuration.TotalSeconds * time.TimestampFrequency);
    }

    public bool IsOpen => Volatile.Read(ref _state) != Closed;

    /// <summary>
    /// Whether a call may go to DRS now. <paramref name="trial"/> is set for the one call let through after a break:
    /// its outcome decides what happens next, so it must be reported.
    /// </summary>
    public bool TryEnter(out bool trial)
    {
        trial = false;
        if (Volatile.Read(ref _state) == Closed)
        {
            return true;
        }

        lock (_lock)
        {
            switch (_state)
            {
                case Closed:
                    return true;
                case Open when _time.GetTimestamp() >= _openUntil:
                    Volatile.Write(ref _state, Trial);
                    trial = true;
                    return true;
                default:
                    return false; // open, or the trial call is still out
            }
        }
    }

    public void Report(CallOutcome outcome, bool trial, string subject = "")
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            if (trial)
            {
                switch (outcome)
                {
                    case CallOutcome.Success:
                        ClearWindow();
                        Volatile.Write(ref _state, Closed);
                        LogClosed(_logger, _name);
                        break;
                    case CallOutcome.Failure:
                        _openUntil = now + _breakTicks;
                        Volatile.Write(ref _state, Open);
                        break;
                    default:
                        _openUntil = now; // the trial told nothing: the next call may try
                        Volatile.Write(ref _state, Open);
                        break;
                }

                return;
            }

            // A call that began before the breaker opened has nothing to add; nor has one that learnt nothing.
            if (_state != Closed || outcome == CallOutcome.Ignored)
            {
                return;
            }

            var bucket = Advance(now);
            _calls[bucket]++;
            if (outcome == CallOutcome.Success)
            {
                (_answered[bucket] ??= new(StringComparer.Ordinal)).Add(subject);
                return;
            }

            _failures[bucket]++;
            (_failing[bucket] ??= new(StringComparer.Ordinal)).Add(subject);
            int calls = 0, failures = 0;
            for (var i = 0; i < Buckets; i++)
            {
                calls += _calls[i];
                failures += _failures[i];
            }

            if (calls >= MinimumThroughput && failures >= FailureRatio * calls && AboutDrsAsAWhole())
            {
                _openUntil = now + _breakTicks;
                Volatile.Write(ref _state, Open);
                LogOpened(_logger, _name, failures, calls, SamplingDuration.TotalSeconds, BreakDuration.TotalSeconds);
            }
        }
    }

    /// <summary>
    /// Failures from two or more subjects, or from every subject called in the window, speak for DRS; failures of one
    /// subject while others are answered speak only for that subject.
    /// </summary>
    private bool AboutDrsAsAWhole()
    {
        var failing = new HashSet<string>(StringComparer.Ordinal);
        var answered = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Buckets; i++)
        {
            failing.UnionWith(_failing[i] ?? []);
            answered.UnionWith(_answered[i] ?? []);
        }

        answered.ExceptWith(failing);
        return failing.Count >= 2 || answered.Count == 0;
    }

    private void ClearWindow()
    {
        Array.Clear(_calls);
        Array.Clear(_failures);
        Array.Clear(_failing);
        Array.Clear(_answered);
    }

    /// <summary>Moves the window to <paramref name="now"/>, emptying the buckets it passed; the current bucket's index.</summary>
    private int Advance(long now)
    {
        var current = now / _bucketTicks;
        var passed = current - _newestBucket;
        if (passed >= Buckets)
        {
            ClearWindow();
        }
        else
        {
            for (var b = _newestBucket + 1; b <= current; b++)
            {
                _calls[b % Buckets] = 0;
                _failures[b % Buckets] = 0;
                _failing[b % Buckets] = null;
                _answered[b % Buckets] = null;
            }
        }

        _newestBucket = Math.Max(current, _newestBucket);
        return (int)(_newestBucket % Buckets);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "DRS calls ({Kind}) paused: {Failures} of the last {Calls} calls in {Window} s failed; one trial call after {Break} s")]
    private static partial void LogOpened(ILogger logger, string kind, int failures, int calls, double window, double @break);

    [LoggerMessage(Level = LogLevel.Information, Message = "DRS calls ({Kind}) resumed: the trial call succeeded")]
    private static partial void LogClosed(ILogger logger, string kind);
}

/// <summary>
/// One breaker per call kind, for the process: a burst of commands (or a user hammering a wrong id) can open the
/// interactive breaker, but never the one polls go through, which would page the on-call.
/// </summary>
internal sealed class DrsCircuitBreakers
{
    private readonly DrsCircuitBreaker _interactive;
    private readonly DrsCircuitBreaker _background;

    public DrsCircuitBreakers(TimeProvider time, ILogger<DrsCircuitBreaker> logger, Infrastructure.DrsBotMetrics? metrics = null)
    {
        _interactive = new("interactive", time, logger);
        _background = new("background", time, logger);
        metrics?.ObserveCircuits(kind => For(kind).IsOpen);
    }

    public DrsCircuitBreaker For(DrsCallKind kind) => kind == DrsCallKind.Interactive ? _interactive : _background;
}
