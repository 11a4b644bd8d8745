using DrsBot.Watching;

namespace DrsBot.Tests.Watching;

public sealed class WatchOptionsTests
{
    [Theory]
    [InlineData("00:00:05", 7u, "2/5 * * * * *")]
    [InlineData("00:00:30", 7u, "7/30 * * * * *")]
    [InlineData("00:01:00", 75u, "15 0/1 * * * *")]
    [InlineData("00:05:00", 7u, "7 2/5 * * * *")]
    [InlineData("01:00:00", 7u, "7 7 0/1 * * *")]
    [InlineData("06:00:00", 7u, "7 7 1/6 * * *")]
    public void Poll_interval_becomes_a_staggered_six_field_cron(string interval, uint offset, string cron) =>
        Assert.Equal(cron, new WatchOptions { PollInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) }.Cron(offset));

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
