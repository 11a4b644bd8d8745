using DrsBot.Watching;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DrsBot.Tests.Watching;

/// <summary>Issue 33, part 3: the DRS call budget's arithmetic, on a fake clock.</summary>
public sealed class DrsCallBudgetTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 3, 0, 0, TimeSpan.Zero));

    private DrsCallBudget Budget(int perMinute = 120, double share = 0.2, string interval = "00:00:05") => new(
        Options.Create(new WatchOptions { PollInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) }),
        new DrsBudgetOptions { MaxCallsPerMinute = perMinute, CommandShare = share },
        _clock, NullLogger<DrsCallBudget>.Instance);

    [Theory]
    [InlineData(0, "00:00:05")]       // nothing watched: the setting
    [InlineData(8, "00:00:05")]       // 8 × 12 a minute = 96: exactly the polls' part
    [InlineData(9, "00:00:06")]       // a little more: the next interval the schedule can express
    [InlineData(200, "00:03:00")]     // 200 ÷ 96 a minute = 2.08 min: 3 min (2.08 is not expressible, 2 is too short)
    [InlineData(5_000_000, "1.00:00:00")] // never beyond a day
    public void The_interval_stretches_to_the_next_expressible_one_the_budget_carries(long watched, string expected)
    {
        var budget = Budget();
        budget.Watched(watched);

        Assert.Equal(TimeSpan.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), budget.Interval);
        Assert.True(WatchOptions.IsExpressible(budget.Interval));
        Assert.Equal(watched > 8, budget.Stretched);
        Assert.True(watched / budget.Interval.TotalMinutes <= 96 || budget.Interval == TimeSpan.FromDays(1));
    }

    [Fact]
    public void Polls_keep_to_their_part_of_each_minute()
    {
        var budget = Budget();
        budget.Watched(200);

        Assert.Equal(96, Enumerable.Range(0, 200).Count(_ => budget.TryPoll()));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(budget.TryPoll()); // a new minute
    }

    [Fact]
    public void Commands_get_what_the_planned_polls_leave_and_never_less_than_their_share()
    {
        var budget = Budget();
        budget.Watched(200); // planned: 200 every 3 min = 66.7 a minute, so commands may use 53
        Assert.Equal(53, Enumerable.Range(0, 100).Count(_ => budget.TryCommand()));

        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(96, Enumerable.Range(0, 200).Count(_ => budget.TryPoll())); // a minute whose polls ran late and all at once
        Assert.Equal(24, Enumerable.Range(0, 100).Count(_ => budget.TryCommand())); // commands still have their 20 %
    }

    [Fact]
    public void Throttling_halves_the_poll_rate_once_per_interval_then_it_recovers_by_a_tenth_a_minute()
    {
        var budget = Budget();
        budget.Watched(200);
        Assert.Equal(TimeSpan.FromMinutes(3), budget.Interval);

        budget.Throttled();
        budget.Throttled(); // the same interval: one halving, not two
        Assert.Equal(TimeSpan.FromMinutes(5), budget.Interval); // 48 a minute: 4.2 min, so 5

        _clock.Advance(TimeSpan.FromMinutes(5));
        budget.Throttled(); // still throttling an interval later: halves again (24 a minute: 8.3 min, so 10)
        Assert.Equal(TimeSpan.FromMinutes(10), budget.Interval);

        var intervals = new List<TimeSpan>();
        for (var minute = 0; minute < 10; minute++)
        {
            _clock.Advance(TimeSpan.FromMinutes(1));
            intervals.Add(budget.Interval);
        }

        Assert.Equal(intervals.Order().Reverse(), intervals); // back gradually, never up again
        Assert.Equal(TimeSpan.FromMinutes(3), intervals[^1]);
    }
}
