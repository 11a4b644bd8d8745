using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using DrsBot.Infrastructure;
using DrsBot.Slack;
using Microsoft.Extensions.Options;

namespace DrsBot.Demo;

/// <summary>
/// The local console's API. A typed command goes through the real pipeline: signed with the signing secret the
/// way Slack signs it and POSTed over HTTP to <c>/slack/commands</c>; follow-ups arrive on a response_url here.
/// </summary>
public static class ConsoleEndpoints
{
    public const string User = "U0DEMOUSER";

    public sealed record CommandRequest(string? Text);

    public sealed record ButtonRequest(long Entry, string? ActionId, string? Value);

    /// <summary>Entries as Slack's JSON, as the page renders messages (emoji and mrkdwn as they are).</summary>
    private static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<IReadOnlyList<ConsoleEntry>> Entries =
        SlackJson.With(DemoJson.Default).TypeInfo<IReadOnlyList<ConsoleEntry>>();

    public static void Map(IEndpointRouteBuilder app)
    {
        var console = app.MapGroup("/console").ExcludeFromDescription().AddEndpointFilter(LoopbackOnly);
        console.MapGet("/api/entries", (long? after, ConsoleFeed feed) => TypedResults.Json(feed.Since(after ?? 0), Entries));
        console.MapPost("/api/commands", SendCommandAsync);
        console.MapPost("/api/actions", PressButtonAsync);
        // The sidebar's list of ids to try comes from the simulator itself, so the two cannot drift apart.
        console.MapGet("/api/scenarios", (DemoMode mode) => TypedResults.Json<IReadOnlyList<Scenario>>(mode.SimulatedDrs
            ? [.. DrsSimulator.Scenarios.Where(s => !s.CompareId.StartsWith("load-", StringComparison.Ordinal)).Select(s => new Scenario(s.CompareId, s.Story))]
            : [], DemoJson.Default.IReadOnlyListScenario));
        console.MapPost("/response/{id}", (string id, JsonNode message, ConsoleFeed feed) =>
            feed.Reply(id, message, isFollowUp: true) ? Results.Ok() : Results.NotFound());
    }

    /// <summary>
    /// The console signs whatever it is sent, so it answers only this machine: a Development instance bound to a
    /// public address must not become an unsigned way in. The remote address alone is not enough: a proxy or tunnel
    /// on this machine (ngrok, cloudflared, nginx, a mesh sidecar) connects from loopback too, and forwarded-header
    /// handling can rewrite the address. So the browser must also have asked for localhost by name, and nothing may
    /// have forwarded the request.
    /// </summary>
    public static async ValueTask<object?> LoopbackOnly(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        IsLocalBrowser(context.HttpContext.Request, context.HttpContext.Connection)
            ? await next(context)
            : Results.StatusCode(StatusCodes.Status403Forbidden);

    private static readonly string[] LocalHosts = ["localhost", "127.0.0.1", "[::1]"];

    public static bool IsLocalBrowser(HttpRequest request, ConnectionInfo connection) =>
        connection.RemoteIpAddress is { } remote && System.Net.IPAddress.IsLoopback(remote)
        && LocalHosts.Contains(request.Host.Host, StringComparer.OrdinalIgnoreCase)
        && !request.Headers.Keys.Any(IsForwardingHeader);

    // X-Original-* is where ASP.NET Core's forwarded-headers middleware moves the X-Forwarded-* values it applied.
    private static bool IsForwardingHeader(string name) =>
        name.Equals("Forwarded", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("X-Original-", StringComparison.OrdinalIgnoreCase)
        || name.Equals("X-Real-IP", StringComparison.OrdinalIgnoreCase);

    private static async Task<IResult> SendCommandAsync(
        CommandRequest request, ConsoleFeed feed, SelfAddress self, IHttpClientFactory clients, IOptionsMonitor<SlackOptions> slack)
    {
        var text = (request.Text ?? "").Trim();
        if (text.StartsWith("/drs-progress", StringComparison.Ordinal))
        {
            text = text["/drs-progress".Length..].Trim();
        }

        feed.Add("command", ConsoleFeed.Channel, User, new JsonObject { ["text"] = $"/drs-progress {text}".Trim() });
        var replyId = feed.OpenReply();

        var body = await new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["team_id"] = "T0DEMO",
            ["team_domain"] = "demo",
            ["channel_id"] = ConsoleFeed.Channel,
            ["channel_name"] = ConsoleFeed.ChannelName,
            ["user_id"] = User,
            ["user_name"] = "you",
            ["command"] = "/drs-progress",
            ["text"] = text,
            ["api_app_id"] = "A0DEMO",
            ["response_url"] = new Uri(self.BaseUrl, $"console/response/{replyId}").ToString(),
            ["trigger_id"] = "demo",
        }).ReadAsStringAsync();

        using var response = await PostSignedAsync(clients, self, slack, "slack/commands", body);
        var json = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            feed.Add("error", ConsoleFeed.Channel, null, new JsonObject { ["text"] = $"DrsBot answered HTTP {(int)response.StatusCode}." });
            return Results.Ok();
        }

        if (json.Length > 0)
        {
            feed.Reply(replyId, ConsoleFeed.Parse(json), isFollowUp: false);
        }

        return Results.Ok();
    }

    /// <summary>
    /// A button pressed in the console, sent as Slack sends it: a signed block_actions payload. Refresh answers into
    /// the slot of the card it was pressed on (so replace_original replaces that card); other buttons get a new one.
    /// </summary>
    private static async Task<IResult> PressButtonAsync(
        ButtonRequest request, ConsoleFeed feed, SelfAddress self, IHttpClientFactory clients, IOptionsMonitor<SlackOptions> slack)
    {
        var slot = (request.ActionId == Interaction.Refresh ? feed.SlotOf(request.Entry) : null) ?? feed.OpenReply();
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = User, ["username"] = "you" },
            ["team"] = new JsonObject { ["id"] = "T0DEMO", ["domain"] = "demo" },
            ["channel"] = new JsonObject { ["id"] = ConsoleFeed.Channel, ["name"] = ConsoleFeed.ChannelName },
            ["api_app_id"] = "A0DEMO",
            ["trigger_id"] = "demo",
            ["response_url"] = new Uri(self.BaseUrl, $"console/response/{slot}").ToString(),
            ["actions"] = new JsonArray(new JsonObject
            {
                ["action_id"] = request.ActionId ?? "",
                ["block_id"] = "demo",
                ["type"] = "button",
                ["value"] = request.Value ?? "",
                ["action_ts"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            }),
        };
        var body = await new FormUrlEncodedContent(new Dictionary<string, string> { ["payload"] = payload.ToJsonString() }).ReadAsStringAsync();
        using var response = await PostSignedAsync(clients, self, slack, "slack/interactions", body);
        if (!response.IsSuccessStatusCode)
        {
            feed.Add("error", ConsoleFeed.Channel, null, new JsonObject { ["text"] = $"DrsBot answered HTTP {(int)response.StatusCode}." });
        }

        return Results.Ok();
    }

    private static async Task<HttpResponseMessage> PostSignedAsync(
        IHttpClientFactory clients, SelfAddress self, IOptionsMonitor<SlackOptions> slack, string path, string body)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(self.BaseUrl, path))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        post.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        post.Headers.Add("X-Slack-Signature", SlackSignature.Compute(slack.CurrentValue.SigningSecret, timestamp, Encoding.UTF8.GetBytes(body)));
        return await clients.CreateClient("console").SendAsync(post);
    }
}
