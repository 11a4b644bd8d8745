using DrsBot.Tests.Deployment;
using DrsBot.Watching;

namespace DrsBot.Tests.Watching;

/// <summary>The ETA over recorded reading sequences: a number only when the readings support one.</summary>
public sealed class EtaEstimatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Readings every <paramref name="every"/> seconds from T0, progress given as a function of minutes.</summary>
    private static List<PaceReading> Recorded(int count, int every, Func<double, double> progressAtMinute) =>
        [.. Enumerable.Range(0, count).Select(i => new PaceReading(T0.AddSeconds(i * every), Math.Round(progressAtMinute(i * every / 60.0), 2)))];

    [Fact]
    public void Steady_progress_gives_the_time_left_at_that_pace()
    {
        var readings = Recorded(21, 30, m => 5 * m); // 5 % a minute for 10 minutes: 50 %

        var eta = EtaEstimator.Estimate(readings);

        Assert.NotNull(eta);
        Assert.InRange(eta.Value.TotalMinutes, 9.99, 10.01);
    }

    [Fact]
    public void Accelerating_progress_follows_the_recent_pace_not_the_average_since_the_start()
    {
        var readings = Recorded(41, 30, m => 0.1 * m * m); // 40 % after 20 minutes, 4 % a minute now

        var eta = EtaEstimator.Estimate(readings)!.Value;

        var sinceStart = TimeSpan.FromMinutes(60.0 / (40.0 / 20)); // 30 minutes at the average pace
        Assert.True(eta < sinceStart, $"{eta} should be shorter than {sinceStart}");
        Assert.InRange(eta.TotalMinutes, 15, 21); // between today's pace (15) and the 10-minute window's (20)
    }

    [Fact]
    public void Stalled_progress_gives_no_eta() =>
        Assert.Null(EtaEstimator.Estimate(Recorded(21, 30, _ => 42.5)));

    [Fact]
    public void Progress_too_small_to_tell_from_rounding_gives_no_eta() =>
        Assert.Null(EtaEstimator.Estimate([new(T0, 40), new(T0.AddMinutes(5), 40.01)]));

    [Fact]
    public void A_restart_discards_the_readings_before_it()
    {
        var before = Recorded(10, 30, m => 10 * m); // 0 → 45 %
        var restarted = before.Append(new PaceReading(T0.AddMinutes(5), 2)).ToList();
        Assert.Null(EtaEstimator.Estimate(restarted)); // a fall: the pace is negative

        var afterRestart = restarted.Append(new PaceReading(T0.AddMinutes(5.5), 4)).ToList();
        Assert.Null(EtaEstimator.Estimate(afterRestart)); // only 30 s of the new run

        var enough = afterRestart.Append(new PaceReading(T0.AddMinutes(6), 6)).ToList();
        Assert.InRange(EtaEstimator.Estimate(enough)!.Value.TotalMinutes, 23.4, 23.6); // 94 % at 4 % a minute
    }

    [Fact]
    public void A_noisy_pace_gives_no_eta()
    {
        // 30 points in the first two minutes, then half a point in the next eight: no pace describes that.
        List<PaceReading> readings = [new(T0, 0), new(T0.AddMinutes(1), 15), new(T0.AddMinutes(2), 30)];
        readings.AddRange(Enumerable.Range(1, 8).Select(i => new PaceReading(T0.AddMinutes(2 + i), 30 + i / 16.0)));

        Assert.Null(EtaEstimator.Estimate(readings));
    }

    [Fact]
    public void Progress_in_chunks_still_averages_to_a_pace()
    {
        // DRS moves 5 points when a table finishes, once every two minutes.
        var readings = Recorded(21, 30, m => 5 * Math.Floor(m / 2));

        Assert.NotNull(EtaEstimator.Estimate(readings));
    }

    [Fact]
    public void Needs_two_readings_at_least_a_minute_apart()
    {
        Assert.Null(EtaEstimator.Estimate([new(T0, 40), new(T0.AddSeconds(59), 45)]));
        Assert.Equal(TimeSpan.FromMinutes(11), EtaEstimator.Estimate([new(T0, 40), new(T0.AddSeconds(60), 45)]));
        Assert.Null(EtaEstimator.Estimate([new(T0, 45)]));
    }

    [Fact]
    public void Never_a_number_beyond_a_week()
    {
        Assert.Null(EtaEstimator.Estimate([new(T0, 10), new(T0.AddMinutes(10), 10.06)])); // 10 days at this pace
        Assert.NotNull(EtaEstimator.Estimate([new(T0, 10), new(T0.AddMinutes(10), 10.2)])); // 3 days
    }

    [Fact]
    public void Complete_gives_no_eta() =>
        Assert.Null(EtaEstimator.Estimate([new(T0, 90), new(T0.AddMinutes(2), 100)]));

    [Fact]
    public void History_keeps_readings_apart_drops_the_old_and_restarts_on_a_fall()
    {
        var history = PaceHistory.Empty;
        for (var s = 0; s <= 120; s += 5)
        {
            history = history.Add(T0.AddSeconds(s), s / 10.0);
        }

        Assert.All(history.Readings.Zip(history.Readings.Skip(1)).SkipLast(1),
            pair => Assert.True(pair.Second.At - pair.First.At >= PaceHistory.MinSpacing));
        Assert.Equal(T0.AddSeconds(120), history.LatestAt); // the newest reading is always kept
        Assert.NotNull(history.Eta());

        var later = history.Add(T0.AddHours(1), 50);
        Assert.Single(later.Readings); // everything older than MaxAge is gone

        var fell = history.Add(T0.AddSeconds(125), 1);
        Assert.Equal([new PaceReading(T0.AddSeconds(125), 1)], fell.Readings);

        var many = PaceHistory.Empty;
        for (var m = 0; m < 100; m++)
        {
            many = many.Add(T0.AddSeconds(m * 30), m * 0.1);
        }

        Assert.True(many.Readings.Count <= PaceHistory.MaxReadings);
    }

    [Fact]
    public void A_history_replaces_the_kept_one_only_when_it_says_more()
    {
        var kept = PaceHistory.Empty.Add(T0, 40);

        Assert.True(kept.Supersedes(null)); // the first reading
        Assert.True(kept.Supersedes(PaceHistory.Empty));
        Assert.False(kept.Add(T0.AddSeconds(19), 41).Supersedes(kept)); // it would only replace its neighbour
        Assert.True(kept.Add(T0.AddSeconds(20), 41).Supersedes(kept));
        Assert.True(kept.Add(T0.AddSeconds(5), 3).Supersedes(kept)); // a restart is news at once
        Assert.False(kept.Add(T0.AddSeconds(30), double.NaN).Supersedes(kept)); // nothing was added
        Assert.False(PaceHistory.Empty.Add(T0, double.NaN).Supersedes(null));
    }
}
