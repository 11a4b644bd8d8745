using System.Text;
using Microsoft.Extensions.Options;

namespace DrsBot.Watching;

/// <summary>
/// When each comparison is polled: every <see cref="WatchOptions.PollInterval"/>, at a fixed offset within the
/// interval derived from its key, so a thousand watches do not all call DRS in the same second and every replica
/// agrees on the times without talking to the others.
/// </summary>
public sealed class PollSchedule(IOptions<WatchOptions> options, DrsCallBudgets? budgets = null)
{
    /// <summary>
    /// <c>Watch:PollInterval</c>, or longer while the DRS call budget of the comparison's profile cannot carry it
    /// (<see cref="DrsCallBudget"/>).
    /// </summary>
    public TimeSpan Interval(ComparisonRef comparison) => budgets?.For(comparison).Interval ?? options.Value.PollInterval;

    /// <summary>The first poll time strictly after <paramref name="after"/>.</summary>
    public DateTimeOffset Next(ComparisonRef comparison, DateTimeOffset after)
    {
        var every = Interval(comparison);
        var interval = every.Ticks;
        var offset = Offset(comparison.Key, every);
        var slot = ((after.UtcTicks - offset) / interval + 1) * interval;
        return new DateTimeOffset(slot + offset, TimeSpan.Zero);
    }

    /// <summary>Whole seconds into the interval, the same on every replica.</summary>
    public static long Offset(string key, TimeSpan interval) =>
        (long)(StableHash(key) % (ulong)Math.Max(1, (long)interval.TotalSeconds)) * TimeSpan.TicksPerSecond;

    // FNV-1a: string.GetHashCode differs per process, and every replica must agree on the schedule.
    private static ulong StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }
}
