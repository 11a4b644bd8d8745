using DrsBot.Watching;
using Microsoft.Extensions.Options;

namespace DrsBot.Tests.Watching;

public sealed class WatchOptionsTests
{
    [Theory]
    [InlineData("00:00:05")]
    [InlineData("00:00:30")]
    [InlineData("00:01:00")]
    [InlineData("01:00:00")]
    [InlineData("1.00:00:00")]
    public void Polls_fall_once_per_interval_at_the_same_offset_on_every_replica(string text)
    {
        var interval = TimeSpan.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        var schedule = new PollSchedule(Options.Create(new WatchOptions { PollInterval = interval }));
        var comparison = new ComparisonRef("job-1", "cmp-1");
        var start = new DateTimeOffset(2026, 11, 29, 5, 0, 0, TimeSpan.Zero);

        var first = schedule.Next(comparison, start);
        Assert.InRange(first - start, TimeSpan.FromTicks(1), interval);
        Assert.Equal(first + interval, schedule.Next(comparison, first));                  // strictly after
        Assert.Equal(first + interval, schedule.Next(comparison, first + interval / 2));   // same slots mid-interval
        Assert.Equal(first, new PollSchedule(Options.Create(new WatchOptions { PollInterval = interval })).Next(comparison, start));
        Assert.Equal(0, (first - start).Ticks % TimeSpan.TicksPerSecond);                  // whole seconds
    }

    [Fact]
    public void Comparisons_are_spread_over_the_interval()
    {
        var schedule = new PollSchedule(Options.Create(new WatchOptions { PollInterval = TimeSpan.FromMinutes(1) }));
        var start = new DateTimeOffset(2026, 11, 29, 5, 0, 0, TimeSpan.Zero);
        var seconds = Enumerable.Range(0, 600).Select(i => schedule.Next(new ComparisonRef("job", $"cmp-{i}"), start).Second).ToList();

        Assert.True(seconds.Distinct().Count() >= 55, $"only {seconds.Distinct().Count()} distinct seconds");
        Assert.True(seconds.GroupBy(s => s).Max(g => g.Count()) < 30, "no second carries more than 5 % of the polls");
    }

    [Theory]
    [InlineData("00:00:05", true)]
    [InlineData("00:00:04", false)]
    [InlineData("00:00:07", false)]
    [InlineData("00:00:15", true)]
    [InlineData("00:01:30", false)]
    [InlineData("00:10:00", true)]
    [InlineData("00:07:00", false)]
    [InlineData("02:00:00", true)]
    [InlineData("05:00:00", false)]
    [InlineData("1.00:00:00", true)]
    [InlineData("2.00:00:00", false)]
    [InlineData("00:00:05.500", false)]
    public void Only_intervals_cron_can_express_are_accepted(string interval, bool ok) =>
        Assert.Equal(ok, WatchOptions.IsExpressible(TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture)));
}
