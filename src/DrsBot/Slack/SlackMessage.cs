using System.Text.Json;
using System.Text.Json.Serialization;
using DrsBot.Infrastructure;

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
    /// Slack's JSON: snake_case, nulls left out. Messages and Block Kit through <see cref="SlackJsonContext"/>; each client
    /// reads and writes its own wire records through a context of its own, with these options (<see cref="With"/>).
    /// </summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Slack reads JSON, not HTML: keep emoji, block characters and mrkdwn's &lt; entities as they are.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = SlackJsonContext.Default,
    };

    /// <summary>These options, with another source-generated context's records (a client's requests and answers).</summary>
    public static JsonSerializerOptions With(JsonSerializerContext records) => new(Options) { TypeInfoResolver = records };

    /// <summary>A message's metadata with <see cref="Options"/> (its encoder included).</summary>
    public static System.Text.Json.Serialization.Metadata.JsonTypeInfo<SlackMessage> Message { get; } = Options.TypeInfo<SlackMessage>();
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SlackMessage))]
[JsonSerializable(typeof(UrlVerification))] // the Events API's URL check, answered with its challenge
internal sealed partial class SlackJsonContext : JsonSerializerContext
{
}
