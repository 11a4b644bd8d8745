using System.Net;
using System.Text.Json;
using DrsBot.Tests.Fakes;

namespace DrsBot.Tests.EndToEnd;

/// <summary>
/// Issue 34, part 1: Socket Mode against a fake Slack that serves apps.connections.open and the WebSocket link. The same
/// commands, buttons and refusals as over HTTP, acknowledged on the socket within Slack's 3 seconds.
/// </summary>
public sealed class SocketModeTests : EndToEndTest
{
    private const string Ops = "C0OPS";

    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Slack:Mode"] = "Socket",
        ["Slack:AppToken"] = FakeSocketMode.AppToken,
    };

    private static object Command(string text, Uri responseUrl, string team = "T0TEAM") => new
    {
        token = "unused",
        team_id = team,
        team_domain = "example",
        channel_id = Ops,
        channel_name = "db-migration",
        user_id = "U0ALICE",
        user_name = "alice",
        command = "/drs-progress",
        text,
        api_app_id = "A0APP",
        response_url = responseUrl.ToString(),
        trigger_id = "1.2.3",
    };

    private static JsonElement Payload(JsonElement ack) => ack.GetProperty("payload");

    [Fact]
    public async Task It_connects_twice_with_the_app_token_and_is_ready_while_a_connection_is_open()
    {
        await Slack.Socket.WaitForConnectionsAsync(2);

        Assert.All(Slack.Socket.Opens, Assert.True); // every apps.connections.open carried Bearer xapp-…
        using var ready = await App.CreateClient().GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("Socket Mode connection", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_is_acknowledged_with_its_card_as_the_payload()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 42));
        await Slack.Socket.WaitForConnectionsAsync(1);

        var ack = await Slack.Socket.SendAsync("env-1", "slash_commands", Command("job-1 cmp-1", Slack.NewResponseUrl()));

        var card = Payload(ack);
        BlockKit.AssertValid(card);
        Assert.Contains("42 %", JsonText.Strings(card), StringComparison.Ordinal);
        Assert.Equal(1, Drs.CallsFor("job-1", "cmp-1"));
    }

    [Fact]
    public async Task A_slow_drs_gets_fetching_at_once_then_the_answer_on_the_response_url()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 42) with { Delay = TimeSpan.FromSeconds(4) });
        await Slack.Socket.WaitForConnectionsAsync(1);
        var responseUrl = Slack.NewResponseUrl();

        var ack = await Slack.Socket.SendAsync("env-slow", "slash_commands", Command("job-1 cmp-1", responseUrl));

        Assert.StartsWith(":hourglass_flowing_sand:", Payload(ack).GetProperty("text").GetString(), StringComparison.Ordinal);
        var answer = await Slack.WaitForAsync(m => m.Endpoint == responseUrl.AbsolutePath, TimeSpan.FromSeconds(15));
        Assert.Contains("42 %", answer.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_button_press_is_acknowledged_at_once_and_answered_on_its_response_url()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40), DrsAnswer.Progress(full: 75));
        await Slack.Socket.WaitForConnectionsAsync(1);
        var responseUrl = Slack.NewResponseUrl();
        var press = JsonDocument.Parse(Uri.UnescapeDataString(InteractionTests.Payload("drs.refresh", "job-1:cmp-1", responseUrl)["payload=".Length..].Replace('+', ' '))).RootElement;

        var ack = await Slack.Socket.SendAsync("env-press", "interactive", press, acceptsResponsePayload: false);

        Assert.False(ack.TryGetProperty("payload", out _));
        var refreshed = await Slack.WaitForAsync(m => m.Endpoint == responseUrl.AbsolutePath, TimeSpan.FromSeconds(15));
        Assert.Contains("40 %", refreshed.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_a_refresh_it_reconnects_and_an_envelope_slack_delivers_again_is_handled_once()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40));
        await Slack.Socket.WaitForConnectionsAsync(2);
        var opens = Slack.Socket.Opens.Count;
        var responseUrl = Slack.NewResponseUrl();
        await Slack.Socket.SendAsync("env-twice", "slash_commands", Command("job-1 cmp-1", responseUrl));

        await Slack.Socket.DisconnectAllAsync("refresh_requested");
        await Slack.Socket.WaitForConnectionsAsync(2);
        Assert.True(Slack.Socket.Opens.Count >= opens + 2, "a fresh URL for every new connection");
        var again = await Slack.Socket.SendAsync("env-twice", "slash_commands", Command("job-1 cmp-1", responseUrl));

        Assert.Equal(1, Drs.CallsFor("job-1", "cmp-1")); // the redelivered envelope was acknowledged, not run again
        Assert.Equal(2, Slack.Socket.Acks["env-twice"].Count);
        Assert.False(again.TryGetProperty("payload", out _));
    }

    [Fact]
    public async Task Hostile_input_gets_the_same_answers_as_over_http_and_never_reaches_drs()
    {
        await Slack.Socket.WaitForConnectionsAsync(1);

        var badIds = Payload(await Slack.Socket.SendAsync("env-bad", "slash_commands", Command("job-1 ../../etc", Slack.NewResponseUrl())));
        var tooLong = Payload(await Slack.Socket.SendAsync("env-long", "slash_commands", Command(new string('a', 5000), Slack.NewResponseUrl())));
        var viaHttp = await App.CommandAsync("job-1 ../../etc", channel: Ops); // the console's route still answers, signed

        Assert.Equal(viaHttp.Text, badIds.GetProperty("text").GetString());
        Assert.Contains("too long", tooLong.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Empty(Drs.Requests);
    }
}

/// <summary>Socket Mode with an app token Slack refuses: no endless retries, and /readyz says why.</summary>
public sealed class SocketModeRefusedTests : EndToEndTest
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Slack:Mode"] = "Socket",
        ["Slack:AppToken"] = "xapp-1-A0APP-9-revoked",
    };

    [Fact]
    public async Task Invalid_auth_stops_the_retries_and_fails_readiness()
    {
        using var http = App.CreateClient();
        HttpResponseMessage? ready = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            ready?.Dispose();
            ready = await http.GetAsync("/readyz");
            if ((await ready.Content.ReadAsStringAsync()).Contains("refused Slack:AppToken", StringComparison.Ordinal))
            {
                break;
            }
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready!.StatusCode);
        Assert.Contains("invalid_auth", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.InRange(Slack.Socket.Opens.Count, 1, 2); // one try per connection slot, then no more
        Assert.All(Slack.Socket.Opens, Assert.False);
        ready.Dispose();
    }
}
