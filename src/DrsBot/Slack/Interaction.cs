using System.Text.Json;
using System.Text.Json.Serialization;

namespace DrsBot.Slack;

/// <summary>
/// A button press (<c>block_actions</c>), reduced to what DrsBot acts on. Every field comes from outside: the ids are
/// checked by the same rules as a typed command's before anything uses them, and <c>response_url</c> by the policy.
/// </summary>
public sealed partial record Interaction(string TeamId, string? EnterpriseId, string ChannelId, string UserId, Uri? ResponseUrl, string ActionId, string Value)
{
    /// <summary>The press's trigger, for opening a modal within 3 seconds; null when Slack gave none.</summary>
    public string? TriggerId { get; init; }

    /// <summary>Pressed on DrsBot's Home tab (no channel, no response_url).</summary>
    public bool FromHome { get; init; }

    public const string Refresh = "drs.refresh";
    public const string Subscribe = "drs.subscribe";
    public const string Unsubscribe = "drs.unsubscribe";

    /// <summary>From a job view: the comparison's card as a new message, leaving the job view in place.</summary>
    public const string ShowProgress = "drs.show";

    /// <summary>A job view's Refresh; its value is the job id alone.</summary>
    public const string RefreshJob = "drs.job";

    /// <summary>Which tables differ; its value is the comparison's key.</summary>
    public const string ShowTables = "drs.tables";

    /// <summary>On an alert: "I'm on it". Its value is the alert's id, which names the comparison.</summary>
    public const string Acknowledge = "drs.ack";

    /// <summary>On an alert: hold this channel's alerts about the comparison for an hour. Its value is the comparison's key.</summary>
    public const string Snooze = "drs.snooze";

    /// <summary>On a snooze's confirmation: end it now. Its value is the comparison's key.</summary>
    public const string Unsnooze = "drs.unsnooze";

    /// <summary>The Home tab's Refresh: publishes the person's Home tab again (a Home tab press has no response_url).</summary>
    public const string RefreshHome = "drs.home";

    /// <summary>A link button: Slack still reports the press, and DrsBot has nothing to do for it.</summary>
    public const string OpenConsole = "drs.console";

    /// <summary>The first action of a block_actions payload; null for anything else or anything unreadable.</summary>
    public static Interaction? FromForm(ReadOnlySpan<byte> body) =>
        SlashCommand.ParseForm(body).TryGetValue("payload", out var json) ? FromJson(json) : null;

    /// <summary>The same from the payload's JSON itself (Socket Mode's <c>interactive</c> envelopes carry it as is).</summary>
    public static Interaction? FromJson(string json)
    {
        Payload? payload;
        try
        {
            payload = JsonSerializer.Deserialize(json, PayloadJson.Default.Payload);
        }
        catch (JsonException)
        {
            return null;
        }

        if (payload is not { Type: "block_actions", Actions: [var action, ..] })
        {
            return null;
        }

        Uri.TryCreate(payload.ResponseUrl, UriKind.Absolute, out var responseUrl);
        return new Interaction(
            payload.Team?.Id ?? "", payload.Enterprise?.Id, payload.Channel?.Id ?? "", payload.User?.Id ?? "",
            responseUrl, action.ActionId ?? "", action.Value ?? "")
        {
            TriggerId = payload.TriggerId is { Length: > 0 and <= 100 } trigger ? trigger : null,
            FromHome = payload.View?.Type == "home",
        };
    }

    private sealed record Payload(
        string? Type, Ref? User, Ref? Team, Ref? Enterprise, Ref? Channel,
        [property: JsonPropertyName("response_url")] string? ResponseUrl, IReadOnlyList<Action>? Actions,
        [property: JsonPropertyName("trigger_id")] string? TriggerId, ViewRef? View);

    private sealed record ViewRef(string? Type);

    private sealed record Ref(string? Id);

    private sealed record Action([property: JsonPropertyName("action_id")] string? ActionId, string? Value);

    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web, MaxDepth = 16)]
    [JsonSerializable(typeof(Payload))]
    private sealed partial class PayloadJson : JsonSerializerContext;
}
