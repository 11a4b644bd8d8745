using System.Text.Json;
using System.Text.Json.Serialization;

namespace DrsBot.Slack;

/// <summary>
/// What DrsBot acts on from Slack's Events API (<c>POST /slack/events</c>, JSON): the URL check when the Request URL is
/// saved, and a person opening DrsBot's Home tab. Everything else is acknowledged and ignored.
/// </summary>
public abstract partial record SlackEvent
{
    /// <summary>The event in a verified body, or null for anything DrsBot does not act on or cannot read.</summary>
    public static SlackEvent? FromJson(ReadOnlySpan<byte> body)
    {
        Envelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(body, EnvelopeJson.Default.Envelope);
        }
        catch (JsonException)
        {
            return null;
        }

        return envelope switch
        {
            // The challenge is echoed back: only the shape Slack sends (letters and digits, short) is.
            { Type: "url_verification", Challenge: { Length: > 0 and <= 128 } c } when c.All(char.IsAsciiLetterOrDigit) => new UrlVerification(c),
            { Type: "event_callback", TeamId: { Length: > 0 } team, Event: { Type: "app_home_opened", Tab: "home", User: { Length: > 0 } user } e } =>
                new HomeOpened(team, user, e.View?.Hash),
            _ => null,
        };
    }

    private sealed record Envelope(
        string? Type, string? Challenge, [property: JsonPropertyName("team_id")] string? TeamId, Event? Event);

    private sealed record Event(string? Type, string? User, string? Tab, View? View);

    private sealed record View(string? Hash);

    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web, MaxDepth = 16)]
    [JsonSerializable(typeof(Envelope))]
    private sealed partial class EnvelopeJson : JsonSerializerContext;
}

public sealed record UrlVerification(string Challenge) : SlackEvent;

/// <summary>A person opened the Home tab; <see cref="Hash"/> is the view Slack shows now, if DrsBot published one.</summary>
public sealed record HomeOpened(string TeamId, string UserId, string? Hash) : SlackEvent;

/// <summary>What the app does with a Home tab being opened: the Slack edge acknowledges, the app publishes.</summary>
public interface ISlackHome
{
    void Opened(HomeOpened opened);

    /// <summary>
    /// A Home tab entry's Show progress: a Home tab press has no response_url, so the card opens in a modal
    /// (<paramref name="triggerId"/>, valid for 3 seconds). <paramref name="value"/> is the button's: channel/comparison.
    /// </summary>
    void ShowProgress(string teamId, string? enterpriseId, string userId, string triggerId, string value);
}

/// <summary>A modal (<c>views.open</c>, <c>views.update</c>): a title of at most 24 characters, at most 100 blocks.</summary>
public sealed record ModalView(TextObject Title, IReadOnlyList<Block> Blocks)
{
    public const int MaxTitle = 24;

    public string Type => "modal";

    // TextObject, not PlainText: declared as the base type, the serializer writes the text's "type".
    public TextObject Close { get; init; } = new PlainText("Close");
}

/// <summary>A Home tab view (<c>views.publish</c>'s <c>view</c>).</summary>
public sealed record HomeView(IReadOnlyList<Block> Blocks)
{
    public string Type => "home";

    /// <summary>Slack's limits for a Home tab: 100 blocks (and 250 kB, far above what 100 of ours make).</summary>
    public const int MaxBlocks = 100;
}

/// <summary>Where there is no Slack to publish to (the local console): no channels known, nothing published.</summary>
internal sealed class NoHomeTab : ISlackHomeApi
{
    public static readonly NoHomeTab Instance = new();

    public Task<IReadOnlyList<string>?> ChannelsOfAsync(string userId, CancellationToken ct) => Task.FromResult<IReadOnlyList<string>?>(null);

    public Task<bool> PublishHomeAsync(string userId, HomeView view, string? hash, CancellationToken ct) => Task.FromResult(false);

    public Task<string?> OpenModalAsync(string triggerId, ModalView view, CancellationToken ct) => Task.FromResult<string?>(null);

    public Task<bool> UpdateModalAsync(string viewId, ModalView view, CancellationToken ct) => Task.FromResult(false);
}

/// <summary>The Web API calls the Home tab needs.</summary>
public interface ISlackHomeApi
{
    /// <summary>The channels <paramref name="userId"/> is a member of (public and private), or null when Slack did not say.</summary>
    Task<IReadOnlyList<string>?> ChannelsOfAsync(string userId, CancellationToken ct);

    /// <summary>Publishes <paramref name="view"/> as the person's Home tab; false when Slack refused (a newer view's hash…).</summary>
    Task<bool> PublishHomeAsync(string userId, HomeView view, string? hash, CancellationToken ct);

    /// <summary>Opens <paramref name="view"/> for the press <paramref name="triggerId"/>; its view id, or null when Slack refused.</summary>
    Task<string?> OpenModalAsync(string triggerId, ModalView view, CancellationToken ct);

    /// <summary>Replaces the modal <paramref name="viewId"/>'s content; false when Slack refused (the person closed it…).</summary>
    Task<bool> UpdateModalAsync(string viewId, ModalView view, CancellationToken ct);
}
