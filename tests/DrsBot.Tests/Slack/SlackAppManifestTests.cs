using System.Text.Json;
using DrsBot.Tests.Deployment;
using DrsBot.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace DrsBot.Tests.Slack;

/// <summary>The shipped Slack app manifest matches what the code expects and Slack's published limits.</summary>
public sealed class SlackAppManifestTests
{
    private static JsonElement Manifest(string file = "slack-app-manifest.json") =>
        JsonDocument.Parse(File.ReadAllText(Repository.Path("manifests", file))).RootElement;

    /// <summary>Issue 34: the Socket Mode manifest is valid, has no request URL anywhere, and asks for what HTTP's asks for.</summary>
    [Fact]
    public void The_socket_mode_manifest_is_valid_needs_no_url_and_matches_the_http_one()
    {
        var socket = Manifest("slack-app-manifest.socket.json");
        var result = Schema().Evaluate(socket, new Json.Schema.EvaluationOptions { OutputFormat = Json.Schema.OutputFormat.List });
        Assert.True(result.IsValid, string.Join("\n", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .Select(d => $"{d.InstanceLocation}: {string.Join("; ", d.Errors!.Values)}")));
        Assert.True(socket.GetProperty("settings").GetProperty("socket_mode_enabled").GetBoolean());
        Assert.DoesNotContain("https://", socket.GetRawText().Replace(socket.GetProperty("display_information").GetRawText(), "", StringComparison.Ordinal), StringComparison.Ordinal);
        static string[] Scopes(JsonElement m) => [.. m.GetProperty("oauth_config").GetProperty("scopes").GetProperty("bot").EnumerateArray().Select(s => s.GetString()!)];
        Assert.Equal(Scopes(Manifest()), Scopes(socket));
        Assert.Equal(["app_home_opened"], socket.GetProperty("settings").GetProperty("event_subscriptions").GetProperty("bot_events").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void The_slash_command_points_at_our_endpoint_and_keeps_mentions_unescaped()
    {
        var command = Manifest().GetProperty("features").GetProperty("slash_commands")[0];
        Assert.Equal("/drs-progress", command.GetProperty("command").GetString());
        Assert.EndsWith("/slack/commands", command.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("https://", command.GetProperty("url").GetString(), StringComparison.Ordinal);
        // Mentions must arrive as <@U…|name> tokens for subscribe's on-call mentions to work.
        Assert.False(command.GetProperty("should_escape").GetBoolean());
        Assert.InRange(command.GetProperty("command").GetString()!.Length, 2, 32);
        Assert.InRange(command.GetProperty("description").GetString()!.Length, 1, 2000);
        Assert.InRange(command.GetProperty("usage_hint").GetString()!.Length, 1, 1000);
    }

    [Fact]
    public void The_bot_asks_for_exactly_the_scopes_it_uses()
    {
        var scopes = Manifest().GetProperty("oauth_config").GetProperty("scopes").GetProperty("bot").EnumerateArray().Select(s => s.GetString()!).ToArray();
        // channels:history and groups:history: to find a post Slack may have taken before posting it again (issue 29).
        // channels:read and groups:read: users.conversations, so the Home tab shows only a person's own channels.
        Assert.Equal(["commands", "chat:write", "chat:write.public", "channels:history", "groups:history", "channels:read", "groups:read"], scopes);
    }

    // Slack's schema is draft-07 (it uses "definitions") and names no dialect itself. Loaded once: the library
    // keeps a process-wide registry of schemas by id.
    private static readonly Lazy<Json.Schema.JsonSchema> LoadedSchema = new(() => Json.Schema.JsonSchema.FromFile(
        Path.Combine(AppContext.BaseDirectory, "Slack", "slack-app-manifest.schema.v1.json"),
        new Json.Schema.BuildOptions { Dialect = Json.Schema.Dialect.Draft07 }));

    private static Json.Schema.JsonSchema Schema() => LoadedSchema.Value;

    [Fact]
    public void The_manifest_is_valid_against_slacks_published_schema()
    {
        var schema = Schema();
        var result = schema.Evaluate(Manifest(), new Json.Schema.EvaluationOptions { OutputFormat = Json.Schema.OutputFormat.List });
        Assert.True(result.IsValid, string.Join("\n", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .Select(d => $"{d.InstanceLocation}: {string.Join("; ", d.Errors!.Values)}")));
    }

    [Fact]
    public void The_schema_check_is_not_a_rubber_stamp()
    {
        var schema = Schema();
        var broken = System.Text.Json.Nodes.JsonNode.Parse(Manifest().GetRawText())!;
        broken["display_information"]!["name"] = new string('x', 60);
        broken["features"]!["slash_commands"]![0]!["unknown_field"] = true;

        Assert.False(schema.Evaluate(JsonDocument.Parse(broken.ToJsonString()).RootElement).IsValid);
    }

    [Fact]
    public void The_command_url_is_the_route_the_app_maps()
    {
        var url = new Uri(Manifest().GetProperty("features").GetProperty("slash_commands")[0].GetProperty("url").GetString()!);
        Assert.Equal("/slack/commands", url.AbsolutePath);
    }

    [Fact]
    public void Interactivity_points_at_the_buttons_endpoint_on_the_same_host()
    {
        var interactivity = Manifest().GetProperty("settings").GetProperty("interactivity");
        Assert.True(interactivity.GetProperty("is_enabled").GetBoolean());
        var buttons = new Uri(interactivity.GetProperty("request_url").GetString()!);
        var commands = new Uri(Manifest().GetProperty("features").GetProperty("slash_commands")[0].GetProperty("url").GetString()!);
        Assert.Equal("/slack/interactions", buttons.AbsolutePath);
        Assert.Equal(commands.Authority, buttons.Authority);
        Assert.Equal("https", buttons.Scheme);
    }

    /// <summary>
    /// The app's own routes, read from the running app: under /slack it maps exactly the manifest's two URLs, for POST,
    /// and each refuses an unsigned request. A route added under /slack without the signature check fails here.
    /// </summary>
    [Fact]
    public async Task The_manifests_urls_are_the_slack_routes_the_app_maps_and_each_is_signature_checked()
    {
        var manifest = Manifest();
        string[] urls =
        [
            new Uri(manifest.GetProperty("features").GetProperty("slash_commands")[0].GetProperty("url").GetString()!).AbsolutePath,
            new Uri(manifest.GetProperty("settings").GetProperty("interactivity").GetProperty("request_url").GetString()!).AbsolutePath,
            new Uri(manifest.GetProperty("settings").GetProperty("event_subscriptions").GetProperty("request_url").GetString()!).AbsolutePath,
        ];
        await using var drs = new FakeDrs();
        await using var slack = new FakeSlack();
        await drs.StartAsync();
        await slack.StartAsync();
        await using var app = new DrsBotApp(drs, slack);
        using var http = app.CreateClient();

        var routes = app.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/slack", StringComparison.Ordinal) == true)
            .ToList();
        Assert.Equal(urls.Order(), routes.Select(e => e.RoutePattern.RawText!).Order());
        Assert.All(routes, e => Assert.Equal(["POST"], e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()!.HttpMethods));

        foreach (var route in routes)
        {
            using var unsigned = await http.PostAsync(route.RoutePattern.RawText,
                new FormUrlEncodedContent(new Dictionary<string, string> { ["team_id"] = "T1", ["text"] = "help" }));
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, unsigned.StatusCode);
        }

        Assert.Empty(drs.Requests);
    }

    [Fact]
    public void Display_name_fits_slacks_limit()
    {
        var manifest = Manifest();
        Assert.InRange(manifest.GetProperty("display_information").GetProperty("name").GetString()!.Length, 1, 35);
        Assert.Equal(1, manifest.GetProperty("_metadata").GetProperty("major_version").GetInt32());
    }
}
