using DrsBot.Tests.Deployment;
using DrsBot.Tests.Fakes;

namespace DrsBot.Tests.EndToEnd;

/// <summary>
/// Issue 29, defect 2: a Slack answer that stops halfway must not stop polling. The stalled post is abandoned at
/// <c>Watch:PollDeadline</c>, its lease let go, and every other comparison is polled and announced on time.
/// </summary>
public sealed class StalledSlackTests : EndToEndTest
{
    private const string Job = "job-1";

    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Watch:PollInterval"] = "00:00:05", // real Hangfire ticks, every second
        ["Watch:PollDeadline"] = "00:00:04",
    };

    [Fact]
    public async Task A_post_stalled_mid_body_does_not_silence_another_channels_completion()
    {
        // cmp-a completes on its first poll, and Slack stalls on that post. cmp-b completes a poll later.
        Drs.Script(Job, "cmp-a", DrsAnswer.Progress(full: 50), DrsAnswer.Progress(full: 100));
        Drs.Script(Job, "cmp-b", DrsAnswer.Progress(full: 50), DrsAnswer.Progress(full: 60), DrsAnswer.Progress(full: 100));
        Slack.StallNext();
        await App.CommandAsync($"subscribe {Job} cmp-a", channel: "C0A");
        await App.CommandAsync($"subscribe {Job} cmp-b", channel: "C0B");

        // Two intervals for cmp-b's two polls, one deadline for the stalled post, and slack for Hangfire's ticks.
        var b = await Slack.WaitForAsync(m => m.Channel == "C0B" && !m.IsThreadParent, TimeSpan.FromSeconds(30));
        Assert.Contains("Full comparison complete", b.Text, StringComparison.Ordinal);

        // cmp-a's completion was not lost with the stalled post: it is posted again once the deadline passed.
        var a = await Slack.WaitForAsync(m => m.Channel == "C0A" && !m.IsThreadParent, TimeSpan.FromSeconds(30));
        Assert.Contains("Full comparison complete", a.Text, StringComparison.Ordinal);

        using var health = await App.CreateClient().GetAsync("/healthz");
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);

        // The stalled poll was given up at its deadline, and says so.
        var scrape = await App.CreateClient().GetStringAsync("/metrics");
        Assert.Contains(scrape.Split('\n'), l => l.StartsWith("drsbot_poll_abandoned_total{", StringComparison.Ordinal)
                                                 && double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) >= 1);
    }
}
