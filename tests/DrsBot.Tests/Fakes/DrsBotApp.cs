using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DrsBot.Slack;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DrsBot.Tests.Fakes;

/// <summary>
/// DrsBot as a test host in Production mode, wired to loopback fakes of DRS and Slack, with a helper that sends
/// slash commands signed exactly as Slack signs them.
/// </summary>
public sealed class DrsBotApp(FakeDrs drs, FakeSlack slack, IDictionary<string, string?>? overrides = null)
    : WebApplicationFactory<Program>
{
    public const string SigningSecret = "test-signing-secret-0123456789abcdef";
    public const string BotToken = "xoxb-test-bot-token";
    public const string DrsToken = "test-drs-token-ABCDEF";
    public const string ProjectId = "5237e10fe9aa4ad5b16b6a5245248314";

    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["Slack:SigningSecret"] = SigningSecret,
        ["Slack:BotToken"] = BotToken,
        ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl.ToString(),
        ["Slack:ResponseUrlPrefixes:0"] = new Uri(slack.BaseUrl, "response/").ToString(),
        ["Slack:ResponseUrlPrefixes:1"] = slack.LateAnswers.ToString(),
        ["Drs:Endpoint"] = drs.BaseUrl.ToString(),
        ["Drs:ProjectId"] = ProjectId,
        ["Drs:Auth:Mode"] = "Token",
        ["Drs:Auth:Token"] = DrsToken,
        ["Drs:InteractiveBudget"] = "00:00:02",
        ["Watch:PollInterval"] = "01:00:00",
        // Tests send many commands as one user; AbuseTests puts the production limits back.
        ["Slack:RateLimit:PerUserPerMinute"] = "100000",
        ["Slack:RateLimit:PerTeamPerMinute"] = "100000",
        // Nor may the DRS call budget refuse them; BudgetTests sets a small one.
        ["Drs:MaxCallsPerMinute"] = "1000000",
    };

    public Action<IServiceCollection>? ConfigureTestServices { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            Settings[key] = value;
        }

        builder.UseEnvironment("Production");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(Settings));
        if (ConfigureTestServices is not null)
        {
            builder.ConfigureServices(ConfigureTestServices);
        }
    }

    public static string Sign(string body, long timestamp, string secret = SigningSecret) =>
        SlackSignature.Compute(secret, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), Encoding.UTF8.GetBytes(body));

    public static string CommandBody(string text, string channel = "C0CHANNEL1", string team = "T0TEAM", Uri? responseUrl = null, string user = "U0ALICE") =>
        new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = "deprecated",
            ["team_id"] = team,
            ["team_domain"] = "example",
            ["channel_id"] = channel,
            ["channel_name"] = "db-migration",
            ["user_id"] = user,
            ["user_name"] = "alice",
            ["command"] = "/drs-progress",
            ["text"] = text,
            ["api_app_id"] = "A0APP",
            ["response_url"] = (responseUrl ?? new Uri("http://127.0.0.1:9/unused")).ToString(),
            ["trigger_id"] = "1.2.3",
        }).ReadAsStringAsync().Result;

    /// <summary>POSTs a raw body to /slack/commands, signed unless told otherwise.</summary>
    public async Task<HttpResponseMessage> PostSignedAsync(string body, long? timestamp = null, string? signature = null, string path = "/slack/commands", string contentType = "application/x-www-form-urlencoded")
    {
        // Stamped by the app's clock, as Slack's would be by a right one: a test that moves a fake clock still signs fresh requests.
        var ts = timestamp ?? Services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue(contentType)),
        };
        request.Headers.Add("X-Slack-Request-Timestamp", ts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("X-Slack-Signature", signature ?? Sign(body, ts));
        return await CreateClient().SendAsync(request);
    }

    /// <summary>
    /// Waits until every follow-up the bot owes (answers via response_url, button presses) has finished: the proof
    /// that work which should do nothing did nothing, where a sleep would only hope so.
    /// </summary>
    public Task FollowUpsDoneAsync() =>
        Services.GetRequiredService<DrsBot.Slack.FollowUps>().WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(15));

    /// <summary>
    /// Sends <c>/drs-progress {text}</c> and returns Slack's view of the answer. Given a <paramref name="responseUrl"/>,
    /// the reply is returned as it came, acknowledgement or not. Without one, the answer is returned wherever it
    /// arrives: inline, or on the response URL after an acknowledgement when this machine was slower than the reply
    /// budget (a cold host on a busy CI machine), so that no test depends on how fast the machine is.
    /// </summary>
    /// <summary>
    /// Presses a button as Slack sends it (a signed block_actions payload, on the message <paramref name="messageTs"/>
    /// when given) and returns what DrsBot answered on the press's response URL.
    /// </summary>
    public async Task<ReceivedMessage> PressAsync(string actionId, string value, string channel = "C0CHANNEL1", string user = "U0ALICE", string? messageTs = null, string team = "T0TEAM")
    {
        var url = slack.NewResponseUrl();
        using var response = await PostSignedAsync(EndToEnd.InteractionTests.Payload(actionId, value, url, channel, team, user, messageTs), path: "/slack/interactions");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var answer = await slack.WaitForAsync(m => m.Endpoint == url.AbsolutePath, TimeSpan.FromSeconds(30));
        BlockKit.AssertValid(answer.Body);
        return answer;
    }

    public async Task<Reply> CommandAsync(string text, string channel = "C0CHANNEL1", Uri? responseUrl = null, string team = "T0TEAM", string user = "U0ALICE")
    {
        var late = responseUrl is null ? slack.NewLateAnswerUrl() : default;
        using var response = await PostSignedAsync(CommandBody(text, channel, team, responseUrl ?? late.Url, user));
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}: {json}");
        var reply = JsonDocument.Parse(json).RootElement.Clone();
        BlockKit.AssertValid(reply);
        if (late.Answer is not null && new Reply(reply).Text.StartsWith(":hourglass_flowing_sand:", StringComparison.Ordinal))
        {
            reply = await late.Answer.WaitAsync(TimeSpan.FromSeconds(30));
            BlockKit.AssertValid(reply);
        }

        return new Reply(reply);
    }

    /// <summary>
    /// One command through the whole Slack path (signature, router, reply), so that a test timing Slack's 3-second
    /// promise times the bot, not a cold host JIT-compiling its first request on a busy machine. No DRS call: a
    /// test's circuit breaker and call counts start from nothing.
    /// </summary>
    public async Task WarmUpAsync() => Assert.Contains("/drs-progress", (await CommandAsync("help")).AllText, StringComparison.Ordinal);
}

/// <summary>A reply to a slash command, as Slack would read it.</summary>
public sealed record Reply(JsonElement Body)
{
    public string Text => Body.GetProperty("text").GetString()!;

    public string? ResponseType => Body.TryGetProperty("response_type", out var t) ? t.GetString() : null;

    public string AllText => JsonText.Strings(Body);

    public IReadOnlyList<JsonElement> Blocks => Body.TryGetProperty("blocks", out var b) ? [.. b.EnumerateArray()] : [];
}
