using System.Text.Json;
using System.Text.Json.Serialization;

namespace DrsBot.Slack;

/// <summary>
/// A message as Slack accepts it in a slash-command response, a <c>response_url</c> post or
/// <c>chat.postMessage</c>. <see cref="Text"/> is always set: it is the notification and screen-reader fallback.
/// </summary>
public sealed record SlackMessage(string Text, IReadOnlyList<Block>? Blocks = null)
{
    public const string Ephemeral = "ephemeral";
    public const string InChannel = "in_channel";

    public string? ResponseType { get; init; } = Ephemeral;

    public bool? ReplaceOriginal { get; init; }

    public SlackMessage AsInChannel() => this with { ResponseType = InChannel };
}

public static class SlackJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Slack reads JSON, not HTML: keep emoji, block characters and mrkdwn's &lt; entities as they are.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
