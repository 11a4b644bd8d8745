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

    /// <summary>A bug on our side: the user still gets an answer, not Slack's "failed with the error".</summary>
    public static SlackMessage SomethingWentWrong() =>
        new(":x: Sorry, something went wrong on DrsBot's side. It has been logged; please try again.");
}

public static class SlackJson
{
    /// <summary>
    /// Slack's JSON: snake_case, nulls left out. Messages and Block Kit are source-generated (<see cref="SlackJsonContext"/>);
    /// the Web API's own small request and answer records fall back to reflection.
    /// </summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Slack reads JSON, not HTML: keep emoji, block characters and mrkdwn's &lt; entities as they are.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(
            SlackJsonContext.Default, new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver()),
    };

    /// <summary>A message's metadata with <see cref="Options"/> (its encoder included).</summary>
    public static System.Text.Json.Serialization.Metadata.JsonTypeInfo<SlackMessage> Message { get; } =
        (System.Text.Json.Serialization.Metadata.JsonTypeInfo<SlackMessage>)Options.GetTypeInfo(typeof(SlackMessage));
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SlackMessage))]
internal sealed partial class SlackJsonContext : JsonSerializerContext
{
}
