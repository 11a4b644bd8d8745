using System.Text.Json.Serialization;

namespace DrsBot.Slack;

// Block Kit as records: only the parts DrsBot uses. The factory methods in Blocks keep every text within Slack's
// published limits, so a long DRS error message can never make Slack reject the whole reply with invalid_blocks.

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(HeaderBlock), "header")]
[JsonDerivedType(typeof(SectionBlock), "section")]
[JsonDerivedType(typeof(ContextBlock), "context")]
[JsonDerivedType(typeof(DividerBlock), "divider")]
[JsonDerivedType(typeof(ActionsBlock), "actions")]
public abstract record Block;

// Text objects are declared as TextObject everywhere so the serializer always writes their "type".
public sealed record HeaderBlock(TextObject Text) : Block;

public sealed record SectionBlock(TextObject? Text, IReadOnlyList<TextObject>? Fields = null) : Block
{
    /// <summary>A button beside the text: an action that costs no block of its own (the Home tab's entries).</summary>
    public ButtonElement? Accessory { get; init; }
}

public sealed record ContextBlock(IReadOnlyList<TextObject> Elements) : Block;

public sealed record DividerBlock : Block;

public sealed record ActionsBlock(IReadOnlyList<ButtonElement> Elements) : Block;

/// <summary>A button: an action (id and value come back in a block_actions payload) or a link (url, no payload).</summary>
public sealed record ButtonElement(TextObject Text, [property: JsonPropertyName("action_id")] string ActionId)
{
    public string Type => "button";

    public string? Value { get; init; }

    public string? Url { get; init; }

    public string? Style { get; init; }
}

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(PlainText), "plain_text")]
[JsonDerivedType(typeof(MrkdwnText), "mrkdwn")]
public abstract record TextObject(string Text);

public sealed record PlainText(string Text) : TextObject(Text)
{
    public bool Emoji => true;
}

public sealed record MrkdwnText(string Text) : TextObject(Text);

/// <summary>Builds blocks within Slack's limits (see docs: Block Kit reference).</summary>
public static class Blocks
{
    public const int MaxBlocks = 50;
    public const int MaxHeader = 150;
    public const int MaxSectionText = 3000;
    public const int MaxFields = 10;
    public const int MaxFieldText = 2000;
    public const int MaxContextElements = 10;

    public static HeaderBlock Header(string text) => new(new PlainText(Fit(text, MaxHeader)));

    public static SectionBlock Section(string mrkdwn) => new(new MrkdwnText(Fit(mrkdwn, MaxSectionText)));

    /// <summary>A section with fields; an empty field list is left out (Slack rejects <c>"fields": []</c>).</summary>
    public static SectionBlock Fields(string? mrkdwn, params IEnumerable<string> fields)
    {
        var texts = Texts(fields, MaxFields);
        return new(mrkdwn is null ? null : new MrkdwnText(Fit(mrkdwn, MaxSectionText)), texts.Count == 0 ? null : texts);
    }

    public static ContextBlock Context(params IEnumerable<string> mrkdwn) => new(Texts(mrkdwn, MaxContextElements));

    // A loop, not Take/Select: every reply builds several of these, and the iterators cost more than the texts.
    private static List<TextObject> Texts(IEnumerable<string> texts, int max)
    {
        var list = new List<TextObject>(texts.TryGetNonEnumeratedCount(out var count) ? Math.Min(count, max) : max);
        foreach (var text in texts)
        {
            if (list.Count == max)
            {
                break;
            }

            list.Add(new MrkdwnText(Fit(text, MaxFieldText)));
        }

        return list;
    }

    // A divider has no state, so every card can share one.
    private static readonly DividerBlock TheDivider = new();

    public static DividerBlock Divider() => TheDivider;

    public const int MaxButtonText = 75;
    public const int MaxButtonValue = 2000;

    public const int MaxActionElements = 25;

    public static ActionsBlock Actions(params IEnumerable<ButtonElement> buttons)
    {
        var list = new List<ButtonElement>(buttons.TryGetNonEnumeratedCount(out var count) ? Math.Min(count, MaxActionElements) : 4);
        foreach (var button in buttons)
        {
            if (list.Count == MaxActionElements)
            {
                break;
            }

            list.Add(button);
        }

        return new(list);
    }

    public static ButtonElement LinkButton(string text, string actionId, Uri url) =>
        new(new PlainText(Fit(text, MaxButtonText)), actionId) { Url = url.AbsoluteUri.Length <= 3000 ? url.AbsoluteUri : null };

    public static ButtonElement Button(string text, string actionId, string value, string? style = null) =>
        new(new PlainText(Fit(text, MaxButtonText)), actionId) { Value = Fit(value, MaxButtonValue), Style = style };

    /// <summary>Shortens text to at most <paramref name="max"/> characters, marking the cut with an ellipsis.</summary>
    public static string Fit(string text, int max) =>
        text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
