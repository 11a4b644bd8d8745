using DrsBot.Tests.Deployment;
using DrsBot.Tests.Fakes;
using DrsBot.Watching;
using Microsoft.Extensions.DependencyInjection;

namespace DrsBot.Tests.EndToEnd;

/// <summary>
/// Issue 29, defect 1: DRS failing for one comparison is evidence about that comparison only. Its channel hears about
/// it once; the channels watching healthy comparisons hear nothing, however the polls interleave.
/// </summary>
public sealed class FaultIsolationTests : EndToEndTest
{
    private const string Job = "job-1";
    private const string Flaky = "cmp-flaky";
    private const string FlakyChannel = "C0FLAKY";

    private Task<bool> PollAsync(string compare) =>
        App.Services.GetRequiredService<PollDispatcher>().PollNowAsync(new ComparisonRef(Job, compare));

    [Theory]
    [InlineData(1)]
    [InlineData(20)]
    public async Task One_comparison_answering_500_pages_only_its_own_channel(int healthy)
    {
        Drs.Script(Job, Flaky, DrsAnswer.Progress(full: 30), DrsAnswer.ServerError());
        await App.CommandAsync($"subscribe {Job} {Flaky} <!here>", channel: FlakyChannel);
        var healthyIds = Enumerable.Range(1, healthy).Select(i => $"cmp-ok-{i}").ToList();
        foreach (var id in healthyIds)
        {
            Drs.Script(Job, id, DrsAnswer.Progress(full: 40));
            await App.CommandAsync($"subscribe {Job} {id} <!here>", channel: "C0OK" + id[7..]);
        }

        // Enough rounds for the old shared breaker to open on the flaky comparison's retries, and then some.
        for (var round = 0; round < 6; round++)
        {
            Assert.True(await PollAsync(Flaky));
            foreach (var id in healthyIds)
            {
                Assert.True(await PollAsync(id));
            }
        }

        foreach (var id in healthyIds)
        {
            Assert.Empty(Slack.InChannel("C0OK" + id[7..]));
        }

        var alert = Assert.Single(Slack.InChannel(FlakyChannel));
        Assert.Contains("<!here>", alert.Text, StringComparison.Ordinal);
        Assert.Contains(Flaky, alert.AllText, StringComparison.Ordinal);
        Assert.Contains("DRS.00000001", alert.AllText, StringComparison.Ordinal);

        // The healthy comparisons were read on every round: none was skipped for the flaky one's sake.
        Assert.All(healthyIds, id => Assert.Equal(1 + 6, Drs.CallsFor(Job, id)));
    }

    [Fact]
    public async Task Drs_down_for_every_comparison_still_tells_each_channel_once()
    {
        var ids = new[] { "cmp-a", "cmp-b", "cmp-c" };
        foreach (var id in ids)
        {
            Drs.Script(Job, id, DrsAnswer.Progress(full: 40), new DrsAnswer(503, """{"error_code":"APIG.0201","error_msg":"Backend unavailable"}"""));
            await App.CommandAsync($"subscribe {Job} {id} <!here>", channel: "C0" + id[4..].ToUpperInvariant());
        }

        for (var round = 0; round < 6; round++)
        {
            foreach (var id in ids)
            {
                await PollAsync(id);
            }
        }

        foreach (var id in ids)
        {
            var alert = Assert.Single(Slack.InChannel("C0" + id[4..].ToUpperInvariant()));
            Assert.Contains("not answering", alert.Text, StringComparison.Ordinal);
        }
    }
}
