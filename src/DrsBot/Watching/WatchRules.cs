using System.Text.Json.Serialization;

namespace DrsBot.Watching;

public enum NotificationKind
{
    FullComplete,
    CaughtUp,
    RecheckNeeded,
    ComparisonGone,
    DrsFailing,
    DrsRecovered,
    /// <summary>Full progress stuck below 100 % for <c>Watch:StallAfter</c>.</summary>
    Stalled,
    /// <summary>Incremental delay rising on every poll for <c>Watch:StallAfter</c>.</summary>
    FallingBehind,
    /// <summary>A recheck alert's thread reply: which tables differ (one DRS call, made when it is first delivered).</summary>
    DifferingTables,
    /// <summary>A snooze ended: what was held while it lasted, and how things stand now.</summary>
    SnoozeEnded,
}

/// <summary>One poll's outcome, as the rules see it.</summary>
public abstract record Observation;

public sealed record Reading(CompareProgress Progress) : Observation;

public sealed record Failed(DrsFailure Failure) : Observation;

/// <summary>Thresholds that keep a flapping value from being re-announced every poll (see README, "Hysteresis").</summary>
public sealed record RuleSettings(
    int FailuresBeforeAlert = 3,
    double CompletionRearmBelow = 90,
    double CatchUpRearmAbove = 30,
    int RecheckRearmAfterZeroPolls = 3,
    int NotFoundPollsBeforeGone = 2,
    TimeSpan? StallAfter = null)
{
    public TimeSpan Stall => StallAfter ?? TimeSpan.FromMinutes(30);
}

/// <summary>
/// What the rules remember about one subscription. "Armed" means the next crossing of the threshold is news;
/// announcing disarms, and only a clear move away from the threshold re-arms.
/// </summary>
public sealed record RuleState
{
    [JsonPropertyName("fullProgress")]
    public double? FullProgress { get; init; }
    [JsonPropertyName("delay")]
    public double? Delay { get; init; }
    [JsonPropertyName("recheckRows")]
    public long? RecheckRows { get; init; }
    [JsonPropertyName("completionArmed")]
    public bool CompletionArmed { get; init; }
    [JsonPropertyName("catchUpArmed")]
    public bool CatchUpArmed { get; init; }
    [JsonPropertyName("recheckArmed")]
    public bool RecheckArmed { get; init; }
    [JsonPropertyName("zeroRecheckPolls")]
    public int ZeroRecheckPolls { get; init; }
    [JsonPropertyName("failureStreak")]
    public int FailureStreak { get; init; }
    [JsonPropertyName("notFoundStreak")]
    public int NotFoundStreak { get; init; }
    [JsonPropertyName("outageAnnounced")]
    public bool OutageAnnounced { get; init; }

    /// <summary>Since when full progress has read the same value below 100 %; null when moving or complete.</summary>
    [JsonPropertyName("progressSince")]
    public DateTimeOffset? ProgressSince { get; init; }

    /// <summary>Since when the incremental delay has risen on every poll; null when it did not rise last time.</summary>
    [JsonPropertyName("delayRisingSince")]
    public DateTimeOffset? DelayRisingSince { get; init; }

    /// <summary>A stall or a falling-behind is news once; moving again (or the delay falling) re-arms it.</summary>
    [JsonPropertyName("stallAnnounced")]
    public bool StallAnnounced { get; init; }

    [JsonPropertyName("behindAnnounced")]
    public bool BehindAnnounced { get; init; }

    /// <summary>
    /// The state at subscription time. Whatever is already true then is reported in the subscribe reply, so it is
    /// not armed: a comparison already at 100 % is not announced as "complete" again.
    /// </summary>
    public static RuleState Baseline(CompareProgress progress) => new()
    {
        FullProgress = progress.Full?.Progress,
        Delay = progress.Incremental?.Delay,
        RecheckRows = progress.RowsToRecheck,
        CompletionArmed = progress.Full?.Progress is null or < 100,
        CatchUpArmed = progress.Incremental?.Delay is > 0,
        RecheckArmed = progress.RowsToRecheck is null or 0,
    };
}

public sealed record Decision(RuleState State, IReadOnlyList<NotificationKind> Notifications, bool StopWatching = false);

/// <summary>The notification rules: pure functions of the previous state and one observation. No I/O.</summary>
public static class WatchRules
{
    public static Decision Decide(RuleState state, Observation observation, RuleSettings settings, DateTimeOffset at) => observation switch
    {
        Reading reading => OnStall(OnReading(state, reading.Progress, settings), state, reading.Progress, settings, at),
        Failed { Failure.Kind: DrsFailureKind.NotFound } => OnNotFound(state, settings),
        Failed => OnFailure(state, settings),
        _ => throw new ArgumentOutOfRangeException(nameof(observation)),
    };

    private static Decision OnReading(RuleState s, CompareProgress p, RuleSettings k)
    {
        var notes = new List<NotificationKind>();
        if (s.OutageAnnounced)
        {
            notes.Add(NotificationKind.DrsRecovered);
        }

        var completionArmed = s.CompletionArmed;
        if (p.Full?.Progress is { } progress)
        {
            if (progress >= 100 && completionArmed)
            {
                notes.Add(NotificationKind.FullComplete);
                completionArmed = false;
            }
            else if (progress < k.CompletionRearmBelow)
            {
                // Progress fell well back: the comparison was restarted, so its next completion is news again.
                completionArmed = true;
            }
        }

        var catchUpArmed = s.CatchUpArmed;
        if (p.Incremental?.Delay is { } delay)
        {
            if (delay <= 0 && catchUpArmed)
            {
                notes.Add(NotificationKind.CaughtUp);
                catchUpArmed = false;
            }
            else if (delay > k.CatchUpRearmAbove || (delay > 0 && s.Delay is null))
            {
                // Re-armed only once it falls clearly behind, so 0 → 0.4 → 0 is not a second "caught up".
                catchUpArmed = true;
            }
        }

        var recheckArmed = s.RecheckArmed;
        var zeroPolls = s.ZeroRecheckPolls;
        if (p.RowsToRecheck is { } rows)
        {
            if (rows > 0)
            {
                zeroPolls = 0;
                if (recheckArmed)
                {
                    notes.Add(NotificationKind.RecheckNeeded);
                    recheckArmed = false;
                }
            }
            else
            {
                zeroPolls++;
                recheckArmed |= zeroPolls >= k.RecheckRearmAfterZeroPolls;
            }
        }

        var next = s with
        {
            FullProgress = p.Full?.Progress ?? s.FullProgress,
            Delay = p.Incremental?.Delay ?? s.Delay,
            RecheckRows = p.RowsToRecheck ?? s.RecheckRows,
            CompletionArmed = completionArmed,
            CatchUpArmed = catchUpArmed,
            RecheckArmed = recheckArmed,
            ZeroRecheckPolls = zeroPolls,
            FailureStreak = 0,
            NotFoundStreak = 0,
            OutageAnnounced = false,
        };
        return new Decision(next, notes);
    }

    /// <summary>
    /// Stall rules, on top of a reading's decision: progress unchanged below 100 % for the stall time is one alert;
    /// the delay rising on every poll for the stall time is another. Each fires once and re-arms when things move.
    /// </summary>
    private static Decision OnStall(Decision decision, RuleState before, CompareProgress p, RuleSettings k, DateTimeOffset at)
    {
        var s = decision.State;
        var notes = decision.Notifications.ToList();

        var progressSince = before.ProgressSince;
        var stallAnnounced = before.StallAnnounced;
        if (p.Full?.Progress is not { } progress || progress >= 100)
        {
            progressSince = null;
            stallAnnounced = false;
        }
        else if (progress != before.FullProgress || progressSince is null)
        {
            progressSince = at; // moving (or first seen): the clock starts again, and the next stall is news
            stallAnnounced = false;
        }
        else if (!stallAnnounced && at - progressSince >= k.Stall)
        {
            notes.Add(NotificationKind.Stalled);
            stallAnnounced = true;
        }

        var risingSince = before.DelayRisingSince;
        var behindAnnounced = before.BehindAnnounced;
        if (p.Incremental?.Delay is { } delay && before.Delay is { } previous)
        {
            if (delay > previous)
            {
                risingSince ??= at;
                if (!behindAnnounced && at - risingSince >= k.Stall)
                {
                    notes.Add(NotificationKind.FallingBehind);
                    behindAnnounced = true;
                }
            }
            else
            {
                risingSince = null;
                behindAnnounced &= delay >= previous; // re-armed only once the delay falls
            }
        }

        return decision with
        {
            State = s with { ProgressSince = progressSince, StallAnnounced = stallAnnounced, DelayRisingSince = risingSince, BehindAnnounced = behindAnnounced },
            Notifications = notes,
        };
    }

    private static Decision OnNotFound(RuleState s, RuleSettings k)
    {
        // One stray not-found (a DRS hiccup, a region failover) must not end a watch; a second in a row does.
        var streak = s.NotFoundStreak + 1;
        var next = s with { NotFoundStreak = streak, FailureStreak = 0 };
        return streak >= k.NotFoundPollsBeforeGone
            ? new Decision(next, [NotificationKind.ComparisonGone], StopWatching: true)
            : new Decision(next, []);
    }

    private static Decision OnFailure(RuleState s, RuleSettings k)
    {
        var streak = s.FailureStreak + 1;
        if (streak >= k.FailuresBeforeAlert && !s.OutageAnnounced)
        {
            return new Decision(s with { FailureStreak = streak, NotFoundStreak = 0, OutageAnnounced = true }, [NotificationKind.DrsFailing]);
        }

        return new Decision(s with { FailureStreak = streak, NotFoundStreak = 0 }, []);
    }
}
