using DrsBot.Drs;
using DrsBot.Tests.Fakes;
using DrsBot.Watching;
using Microsoft.Extensions.DependencyInjection;

namespace DrsBot.Tests.EndToEnd;

/// <summary>Careless or hostile use must not reach the on-call engineer, other workspaces or arbitrary URLs.</summary>
public sealed class AbuseTests : EndToEndTest
{
    private const string Ops = "C0OPS";

    private Task<bool> PollAsync(string job, string compare) =>
        App.Services.GetRequiredService<PollDispatcher>().PollNowAsync(new ComparisonRef(job, compare));

    [Fact]
    public async Task A_burst_of_failing_commands_never_pages_a_subscribed_channel()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40));
        Drs.Script("job-1", "typo", DrsAnswer.ServerError()); // a user hammering an id DRS chokes on
        await App.CommandAsync("subscribe job-1 cmp-1 <!here>", channel: Ops);

        for (var i = 0; i < 15; i++)
        {
            await App.CommandAsync("job-1 typo", channel: "C0PLAY");
        }

        Assert.Contains("could not be reached", (await App.CommandAsync("job-1 typo")).AllText, StringComparison.Ordinal); // its breaker opened
        var before = Drs.CallsFor("job-1", "cmp-1");
        for (var i = 0; i < 4; i++)
        {
            await PollAsync("job-1", "cmp-1");
        }

        Assert.Equal(before + 4, Drs.CallsFor("job-1", "cmp-1")); // polls went through their own, closed breaker
        Assert.Empty(Slack.InChannel(Ops));
        var record = await App.Services.GetRequiredService<IWatchStore>().GetAsync(new ComparisonRef("job-1", "cmp-1"));
        Assert.Equal(0, record!.Subscriptions.Single().Rules.FailureStreak);
    }

    [Theory]
    [InlineData("elsewhere")]
    [InlineData("lookalike")]
    [InlineData("redirect")]
    public async Task A_response_url_outside_slacks_prefixes_is_never_called(string trick)
    {
        await using var elsewhere = new RecordingServer();
        await elsewhere.StartAsync();
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 64) with { Delay = TimeSpan.FromSeconds(3) });
        var responseUrl = trick switch
        {
            "elsewhere" => new Uri(elsewhere.BaseUrl, "hook"),
            // The allowed prefix is http://127.0.0.1:{port}/response/: the same host on another port is elsewhere.
            "lookalike" => new Uri($"{elsewhere.BaseUrl}response/{Guid.NewGuid():N}"),
            _ => new Uri(Slack.BaseUrl, $"response/redirect?to={Uri.EscapeDataString(new Uri(elsewhere.BaseUrl, "hook").ToString())}"),
        };
        if (trick == "redirect")
        {
            Slack.RedirectResponsesTo(new Uri(elsewhere.BaseUrl, "hook"));
        }

        var reply = await App.CommandAsync("job-1 cmp-1", responseUrl: responseUrl);
        await Task.Delay(TimeSpan.FromSeconds(4)); // long enough for DRS to answer and a follow-up to leave

        Assert.Contains("Fetching", reply.Text, StringComparison.Ordinal); // the acknowledgement, inline
        Assert.Empty(elsewhere.Requests);
    }
}
