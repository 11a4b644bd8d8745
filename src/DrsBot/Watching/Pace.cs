using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace DrsBot.Watching;

/// <summary>One reading of a comparison's full progress (0–100) and when DrsBot made it.</summary>
public sealed record PaceReading([property: JsonPropertyName("at")] DateTimeOffset At, [property: JsonPropertyName("progress")] double Progress);

/// <summary>
/// The recent full-progress readings of one comparison, from polls or from people asking: enough to estimate a
/// pace, small enough to store with the record. Readings stay at least <see cref="MinSpacing"/> apart (the newest
/// replaces a last one that is closer), cover at most <see cref="MaxAge"/>, and a fall in progress (DRS restarted
/// the comparison) starts the history afresh.
/// </summary>
public sealed record PaceHistory([property: JsonPropertyName("readings")] ImmutableList<PaceReading> Readings)
{
    public const int MaxReadings = 24;
    public static readonly TimeSpan MinSpacing = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan MaxAge = EtaEstimator.MaxWindow + TimeSpan.FromMinutes(5);

    public static readonly PaceHistory Empty = new(ImmutableList<PaceReading>.Empty);

    public PaceHistory Add(DateTimeOffset at, double progress)
    {
        if (!double.IsFinite(progress))
        {
            return this;
        }

        var readings = Readings.RemoveAll(r => r.At < at - MaxAge || r.At > at);
        if (readings.Count > 0 && progress < readings[^1].Progress)
        {
            readings = [];
        }

        var reading = new PaceReading(at, progress);
        // The last reading may sit closer than MinSpacing to the one before it; the next one then takes its place.
        readings = (readings.Count >= 2 && readings[^1].At - readings[^2].At < MinSpacing) || (readings.Count > 0 && readings[^1].At == at)
            ? readings.SetItem(readings.Count - 1, reading)
            : readings.Add(reading);
        return new PaceHistory(readings.Count > MaxReadings ? readings.RemoveRange(0, readings.Count - MaxReadings) : readings);
    }

    /// <summary>
    /// Whether this history, made by <see cref="Add"/> from <paramref name="kept"/>, should take its place in storage:
    /// for a first reading, a restart (progress fell), or a reading at least <see cref="MinSpacing"/> after the newest
    /// kept. A closer one would only take the place of the one before it, so someone asking every few seconds costs
    /// one write per <see cref="MinSpacing"/> rather than one per answer (each answer's ETA still counts its own reading).
    /// </summary>
    public bool Supersedes(PaceHistory? kept) => Readings is [.., var newest]
        && (kept?.Readings is not [.., var last] || newest.Progress < last.Progress || newest.At - last.At >= MinSpacing);

    /// <summary>Time left until 100 % at the current pace, from the newest reading; null when no honest estimate exists.</summary>
    public TimeSpan? Eta() => EtaEstimator.Estimate(Readings);

    /// <summary>When <see cref="Eta"/> is measured from; null without readings.</summary>
    [JsonIgnore]
    public DateTimeOffset? LatestAt => Readings.IsEmpty ? null : Readings[^1].At;
}

/// <summary>
/// "≈ 12 min left at the current pace", shown only when it means something: two readings at least
/// <see cref="MinSpan"/> apart with at least <see cref="MinProgress"/> points of progress between them, the pace of
/// the window's two halves within <see cref="MaxHalfRatio"/> of each other, and an answer within <see cref="MaxEta"/>.
/// A stall (no progress), a restart (progress fell) or a noisy pace gives no number rather than a wrong one.
/// </summary>
public static class EtaEstimator
{
    public static readonly TimeSpan MinSpan = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxWindow = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan MaxEta = TimeSpan.FromDays(7);
    public const double MinProgress = 0.05;
    public const double MaxHalfRatio = 3;

    public static TimeSpan? Estimate(IReadOnlyList<PaceReading> readings)
    {
        if (readings.Count < 2)
        {
            return null;
        }

        // Only readings since the last restart count: progress that fell is a new run.
        var start = 0;
        for (var i = 1; i < readings.Count; i++)
        {
            if (readings[i].Progress < readings[i - 1].Progress || readings[i].At <= readings[i - 1].At)
            {
                start = i;
            }
        }

        var latest = readings[^1];
        if (latest.Progress is >= 100 or < 0)
        {
            return null;
        }

        // The window: the oldest reading of this run within MaxWindow of the latest ("the current pace").
        var first = -1;
        for (var i = start; i < readings.Count - 1; i++)
        {
            if (latest.At - readings[i].At <= MaxWindow)
            {
                first = i;
                break;
            }
        }

        if (first < 0 || latest.At - readings[first].At < MinSpan)
        {
            return null;
        }

        var anchor = readings[first];
        var gained = latest.Progress - anchor.Progress;
        if (gained < MinProgress)
        {
            return null; // stalled, or too little movement to tell a pace from rounding
        }

        var span = latest.At - anchor.At;
        if (IsNoisy(readings, first, readings.Count - 1))
        {
            return null;
        }

        var pacePerSecond = gained / span.TotalSeconds;
        var left = TimeSpan.FromSeconds((100 - latest.Progress) / pacePerSecond);
        return left > MaxEta ? null : left;
    }

    /// <summary>
    /// Compares the pace of the window's first and second half (progress at the midpoint interpolated). Progress that
    /// arrives in chunks still averages out over each half; a pace that jumped or died does not.
    /// </summary>
    private static bool IsNoisy(IReadOnlyList<PaceReading> readings, int first, int last)
    {
        if (last - first < 3 || readings[last].At - readings[first].At < 2 * MinSpan)
        {
            return false; // too few readings to judge; the span and progress checks still hold
        }

        var mid = readings[first].At + (readings[last].At - readings[first].At) / 2;
        var atMid = ProgressAt(readings, first, last, mid);
        var half = (mid - readings[first].At).TotalSeconds;
        var early = (atMid - readings[first].Progress) / half;
        var late = (readings[last].Progress - atMid) / half;
        if (early <= 0 || late <= 0)
        {
            return true;
        }

        return Math.Max(early, late) / Math.Min(early, late) > MaxHalfRatio;
    }

    private static double ProgressAt(IReadOnlyList<PaceReading> readings, int first, int last, DateTimeOffset at)
    {
        for (var i = first; i < last; i++)
        {
            var (a, b) = (readings[i], readings[i + 1]);
            if (at >= a.At && at <= b.At)
            {
                var f = (at - a.At) / (b.At - a.At);
                return a.Progress + (b.Progress - a.Progress) * f;
            }
        }

        return readings[last].Progress;
    }
}
