using System.Net;
using System.Text.Json;
using DrsBot.Tests.Deployment;
using DrsBot.Tests.Fakes;

namespace DrsBot.Tests.EndToEnd;

/// <summary>Buttons on a progress card, pressed as Slack sends them: a signed block_actions payload.</summary>
public sealed class InteractionTests : EndToEndTest
{
    private const string Ops = "C0OPS";

    internal static string Payload(string actionId, string value, Uri responseUrl, string channel = Ops, string team = "T0TEAM", string user = "U0ALICE", string? messageTs = null) =>
        new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["payload"] = JsonSerializer.Serialize(new
            {
                type = "block_actions",
                user = new { id = user, username = "alice" },
                team = new { id = team, domain = "example" },
                channel = new { id = channel, name = "db-migration" },
                api_app_id = "A0APP",
                trigger_id = "1.2.3",
                response_url = responseUrl.ToString(),
                container = new { type = "message", message_ts = messageTs ?? "1700000000.000100", channel_id = channel, is_ephemeral = messageTs is null },
                actions = new[] { new { action_id = actionId, block_id = "b1", type = "button", value, action_ts = "1.2" } },
            }),
        }).ReadAsStringAsync().Result;

    private async Task<HttpStatusCode> PressAsync(string body, long? timestamp = null, string? signature = null)
    {
        using var response = await App.PostSignedAsync(body, timestamp, signature, path: "/slack/interactions");
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync()); // an empty acknowledgement, at once
        return response.StatusCode;
    }

    internal static IEnumerable<string> ActionValues(JsonElement message) =>
        Buttons(message).Where(e => e.TryGetProperty("value", out _)).Select(e => e.GetProperty("value").GetString()!);

    internal static IEnumerable<string> ActionValuesOf(JsonElement message, string actionId) =>
        Buttons(message).Where(e => e.GetProperty("action_id").GetString() == actionId).Select(e => e.GetProperty("value").GetString()!);

    private static IEnumerable<JsonElement> Buttons(JsonElement message) =>
        message.GetProperty("blocks").EnumerateArray()
            .Where(b => b.GetProperty("type").GetString() == "actions")
            .SelectMany(b => b.GetProperty("elements").EnumerateArray());

    internal static IEnumerable<string> ActionIds(JsonElement message) =>
        message.GetProperty("blocks").EnumerateArray()
            .Where(b => b.GetProperty("type").GetString() == "actions")
            .SelectMany(b => b.GetProperty("elements").EnumerateArray())
            .Select(e => e.GetProperty("action_id").GetString()!);

    [Fact]
    public async Task A_progress_card_carries_refresh_and_subscribe_and_after_subscribing_unsubscribe()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40));

        var card = await App.CommandAsync("job-1 cmp-1", channel: Ops);
        Assert.Equal(["drs.refresh", "drs.subscribe"], ActionIds(card.Body));
        Assert.All(card.Body.GetProperty("blocks").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "actions")
            .SelectMany(b => b.GetProperty("elements").EnumerateArray()), e => Assert.Equal("job-1:cmp-1", e.GetProperty("value").GetString()));

        await App.CommandAsync("subscribe job-1 cmp-1", channel: Ops);
        Assert.Equal(["drs.refresh", "drs.unsubscribe"], ActionIds((await App.CommandAsync("job-1 cmp-1", channel: Ops)).Body));
        Assert.Equal(["drs.refresh", "drs.subscribe"], ActionIds((await App.CommandAsync("job-1 cmp-1", channel: "C0ELSE")).Body));
    }

    [Fact]
    public async Task Refresh_replaces_the_card_in_place_with_a_fresh_reading()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40), DrsAnswer.Progress(full: 75));
        await App.CommandAsync("job-1 cmp-1", channel: Ops);
        var responseUrl = Slack.NewResponseUrl();

        Assert.Equal(HttpStatusCode.OK, await PressAsync(Payload("drs.refresh", "job-1:cmp-1", responseUrl)));

        var refreshed = await Slack.WaitForAsync(m => m.Endpoint == responseUrl.AbsolutePath);
        Assert.True(refreshed.Body.GetProperty("replace_original").GetBoolean());
        Assert.Contains("75 %", refreshed.AllText, StringComparison.Ordinal);
        Assert.Equal(["drs.refresh", "drs.subscribe"], ActionIds(refreshed.Body));
        Assert.Equal(2, Drs.CallsFor("job-1", "cmp-1"));
    }

    [Fact]
    public async Task Subscribe_and_unsubscribe_buttons_answer_like_the_typed_commands()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40));
        var subscribed = Slack.NewResponseUrl();

        await PressAsync(Payload("drs.subscribe", "job-1:cmp-1", subscribed));

        var reply = await Slack.WaitForAsync(m => m.Endpoint == subscribed.AbsolutePath);
        Assert.Equal("in_channel", reply.Body.GetProperty("response_type").GetString());
        Assert.False(reply.Body.GetProperty("replace_original").GetBoolean());
        Assert.Contains("subscribed this channel", reply.AllText, StringComparison.Ordinal);
        Assert.Contains("1 comparison", (await App.CommandAsync("list", channel: Ops)).Text, StringComparison.Ordinal);

        var unsubscribed = Slack.NewResponseUrl();
        await PressAsync(Payload("drs.unsubscribe", "job-1:cmp-1", unsubscribed));
        Assert.Contains("unsubscribed this channel", (await Slack.WaitForAsync(m => m.Endpoint == unsubscribed.AbsolutePath)).AllText, StringComparison.Ordinal);
        Assert.Contains("watches no comparisons", (await App.CommandAsync("list", channel: Ops)).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forged_or_stale_presses_get_401_and_reach_nothing()
    {
        var responseUrl = Slack.NewResponseUrl();
        var body = Payload("drs.refresh", "job-1:cmp-1", responseUrl);

        Assert.Equal(HttpStatusCode.Unauthorized, await PressAsync(body, signature: "v0=" + new string('0', 64)));
        var stale = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 600;
        Assert.Equal(HttpStatusCode.Unauthorized, await PressAsync(body, stale, DrsBotApp.Sign(body, stale)));
        await App.FollowUpsDoneAsync();

        Assert.Empty(Drs.Requests);
        Assert.Empty(Slack.Messages);
    }

    [Theory]
    [InlineData("drs.refresh", "job-1/../x:cmp-1")]
    [InlineData("drs.subscribe", "job-1:cmp-1:extra:more")]
    [InlineData("drs.refresh", "<!channel>")]
    [InlineData("drs.subscribe", "")]
    public async Task Hostile_values_get_a_friendly_refusal_and_no_drs_call(string actionId, string value)
    {
        var responseUrl = Slack.NewResponseUrl();

        Assert.Equal(HttpStatusCode.OK, await PressAsync(Payload(actionId, value, responseUrl)));

        var refusal = await Slack.WaitForAsync(m => m.Endpoint == responseUrl.AbsolutePath);
        Assert.Contains("does not carry a DRS job and comparison", refusal.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("<!channel>", refusal.Body.ToString(), StringComparison.Ordinal);
        Assert.Empty(Drs.Requests);
    }

    [Fact]
    public async Task Unknown_actions_and_other_payloads_get_200_and_no_work()
    {
        var responseUrl = Slack.NewResponseUrl();
        Assert.Equal(HttpStatusCode.OK, await PressAsync(Payload("someone.elses.button", "job-1:cmp-1", responseUrl)));
        Assert.Equal(HttpStatusCode.OK, await PressAsync("payload=" + Uri.EscapeDataString("""{"type":"view_submission"}""")));
        Assert.Equal(HttpStatusCode.OK, await PressAsync("payload=not-json"));
        await App.FollowUpsDoneAsync();

        Assert.Empty(Drs.Requests);
        Assert.Empty(Slack.Messages);
    }

    [Fact]
    public async Task A_press_whose_response_url_is_elsewhere_does_nothing()
    {
        await using var elsewhere = new RecordingServer();
        await elsewhere.StartAsync();

        await PressAsync(Payload("drs.subscribe", "job-1:cmp-1", new Uri(elsewhere.BaseUrl, "hook")));
        await App.FollowUpsDoneAsync();

        Assert.Empty(elsewhere.Requests);
        Assert.Empty(Drs.Requests);
    }

    [Theory]
    [InlineData(null, "ap-southeast-1", "https://console-intl.huaweicloud.com/drs/?region=ap-southeast-1")]
    [InlineData("https://console.example.com/drs/{region}/jobs/{job_id}?project={project_id}", "ap-southeast-1",
        "https://console.example.com/drs/ap-southeast-1/jobs/job-1?project=5237e10fe9aa4ad5b16b6a5245248314")]
    [InlineData(null, null, null)]
    public async Task The_card_links_to_the_job_in_the_drs_console_when_it_can(string? template, string? region, string? expected)
    {
        await using var app = new DrsBotApp(Drs, Slack, new Dictionary<string, string?> { ["Drs:ConsoleUrl"] = template, ["Drs:Region"] = region });
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40));

        var card = await app.CommandAsync("job-1 cmp-1", channel: Ops);

        var link = card.Blocks.Where(b => b.GetProperty("type").GetString() == "actions")
            .SelectMany(b => b.GetProperty("elements").EnumerateArray())
            .FirstOrDefault(e => e.GetProperty("action_id").GetString() == "drs.console");
        Assert.Equal(expected, link.ValueKind == JsonValueKind.Undefined ? null : link.GetProperty("url").GetString());

        // Slack reports a link's press too; it asks nothing of DrsBot.
        Assert.Equal(HttpStatusCode.OK, (await app.PostSignedAsync(Payload("drs.console", "", Slack.NewResponseUrl()), path: "/slack/interactions")).StatusCode);
        await app.FollowUpsDoneAsync();
        Assert.Equal(1, Drs.CallsFor("job-1", "cmp-1"));
    }
}
