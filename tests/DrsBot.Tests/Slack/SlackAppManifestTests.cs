using System.Text.Json;
using DrsBot.Tests.Fakes;

namespace DrsBot.Tests.Slack;

/// <summary>The shipped Slack app manifest matches what the code expects and Slack's published limits.</summary>
public sealed class SlackAppManifestTests
{
    private static JsonElement Manifest() =>
        JsonDocument.Parse(File.ReadAllText(Repository.Path("manifests", "slack-app-manifest.json"))).RootElement;

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
        Assert.Equal(["commands", "chat:write", "chat:write.public"], scopes);
    }

    [Fact]
    public void Display_name_fits_slacks_limit()
    {
        var manifest = Manifest();
        Assert.InRange(manifest.GetProperty("display_information").GetProperty("name").GetString()!.Length, 1, 35);
        Assert.Equal(1, manifest.GetProperty("_metadata").GetProperty("major_version").GetInt32());
    }
}
