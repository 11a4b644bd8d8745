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

    [Fact]
    public async Task The_subscribe_confirmation_pings_nobody_but_says_who_alerts_will_reach()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40));

        var reply = await App.CommandAsync("subscribe job-1 cmp-1 <!here> <@U0BOB|bob> <!subteam^S0DBA|@dba> <!channel>", channel: Ops);

        Assert.Equal("in_channel", reply.ResponseType);
        foreach (var token in new[] { "<!here", "<!channel", "<!everyone", "<!subteam^", "<@U0BOB" })
        {
            Assert.DoesNotContain(token, reply.Body.ToString(), StringComparison.Ordinal);
        }

        Assert.Contains("<@U0ALICE>", reply.AllText, StringComparison.Ordinal); // the person who acted
        Assert.Contains("Alerts will mention 1 person, 1 group, `@here` and `@channel`.", reply.AllText, StringComparison.Ordinal);
        var list = await App.CommandAsync("list", channel: Ops); // ephemeral: only the asker sees it, so tokens may show
        Assert.Equal("ephemeral", list.ResponseType);
        Assert.Contains("Subscribed by <@U0ALICE>", list.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_the_mentions_is_recorded_and_shown_in_list()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40));
        await App.CommandAsync("subscribe job-1 cmp-1 <@U0BOB|bob>", channel: Ops);
        using (var response = await App.PostSignedAsync(DrsBotApp.CommandBody("subscribe job-1 cmp-1 <@U0CAROL|carol>", channel: Ops, user: "U0DAVE")))
        {
            response.EnsureSuccessStatusCode();
        }

        var list = await App.CommandAsync("list", channel: Ops);
        Assert.Contains("Subscribed by <@U0ALICE>", list.AllText, StringComparison.Ordinal);
        Assert.Contains("mentions changed by <@U0DAVE>", list.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_channel_id_from_another_workspace_sees_and_changes_nothing()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40));
        await App.CommandAsync("subscribe job-1 cmp-1", channel: Ops, team: "T0OURS");

        Assert.Contains("watches no comparisons", (await App.CommandAsync("list", channel: Ops, team: "T0THEIRS")).Text, StringComparison.Ordinal);
        Assert.Contains("not subscribed", (await App.CommandAsync("unsubscribe job-1 cmp-1", channel: Ops, team: "T0THEIRS")).Text, StringComparison.Ordinal);
        Assert.Contains("1 comparison", (await App.CommandAsync("list", channel: Ops, team: "T0OURS")).Text, StringComparison.Ordinal);
        var subscription = Assert.Single((await App.Services.GetRequiredService<IWatchStore>().GetAsync(new ComparisonRef("job-1", "cmp-1")))!.Subscriptions);
        Assert.Equal("T0OURS", subscription.TeamId);
    }

    [Fact]
    public async Task Broadcast_mentions_can_be_turned_off_with_a_friendly_refusal()
    {
        await using var app = new DrsBotApp(Drs, Slack, new Dictionary<string, string?> { ["Slack:AllowBroadcastMentions"] = "false" });
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40));

        foreach (var broadcast in new[] { "<!here>", "<!channel>", "<!everyone>" })
        {
            var reply = await app.CommandAsync($"subscribe job-1 cmp-1 {broadcast}", channel: Ops);
            Assert.StartsWith("Not subscribed", reply.Text, StringComparison.Ordinal);
            Assert.Contains("Slack:AllowBroadcastMentions", reply.AllText, StringComparison.Ordinal);
        }

        Assert.Equal(0, Drs.CallsFor("job-1", "cmp-1")); // refused before DRS is asked
        Assert.Contains("subscribed this channel", (await app.CommandAsync("subscribe job-1 cmp-1 <!subteam^S0DBA|@dba>", channel: Ops)).AllText, StringComparison.Ordinal);
    }
}
