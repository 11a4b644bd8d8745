using System.Text.Json;

namespace DrsBot.Slack;

/// <summary>
/// Writes a <see cref="SlackMessage"/> as the JSON <see cref="SlackJson.Options"/> gives, byte for byte (a property
/// test holds the two together), without the serializer's reflection and polymorphic lookups. Replies are the one
/// message written per command, and this was the largest piece of DrsBot's own work in each (README, Performance).
/// Everything else, including the outbox that is read back, goes through <see cref="JsonSerializer"/>.
/// </summary>
internal static class SlackMessageWriter
{
    public static void Write(Utf8JsonWriter json, SlackMessage message)
    {
        json.WriteStartObject();
        WriteIfSet(json, "text"u8, message.Text);
        if (message.Blocks is { } blocks)
        {
            json.WriteStartArray("blocks"u8);
            // By index: foreach over an IReadOnlyList boxes its enumerator, one per list, on every reply.
            for (var i = 0; i < blocks.Count; i++)
            {
                WriteBlock(json, blocks[i]);
            }

            json.WriteEndArray();
        }

        WriteIfSet(json, "response_type"u8, message.ResponseType);
        if (message.ReplaceOriginal is { } replace)
        {
            json.WriteBoolean("replace_original"u8, replace);
        }

        json.WriteEndObject();
    }

    private static void WriteBlock(Utf8JsonWriter json, Block block)
    {
        switch (block)
        {
            case HeaderBlock header:
                StartObject(json, "header"u8);
                WriteText(json, "text"u8, header.Text);
                json.WriteEndObject();
                break;
            case SectionBlock section:
                StartObject(json, "section"u8);
                WriteText(json, "text"u8, section.Text);
                WriteTexts(json, "fields"u8, section.Fields);
                json.WriteEndObject();
                break;
            case ContextBlock context:
                StartObject(json, "context"u8);
                WriteTexts(json, "elements"u8, context.Elements);
                json.WriteEndObject();
                break;
            case DividerBlock:
                StartObject(json, "divider"u8);
                json.WriteEndObject();
                break;
            case ActionsBlock actions:
                StartObject(json, "actions"u8);
                json.WriteStartArray("elements"u8);
                for (var i = 0; i < actions.Elements.Count; i++)
                {
                    WriteButton(json, actions.Elements[i]);
                }

                json.WriteEndArray();
                json.WriteEndObject();
                break;
            default:
                JsonSerializer.Serialize(json, block, SlackJson.Options); // a block type this writer does not know yet
                break;
        }
    }

    private static void WriteButton(Utf8JsonWriter json, ButtonElement button)
    {
        json.WriteStartObject();
        WriteText(json, "text"u8, button.Text);
        WriteIfSet(json, "action_id"u8, button.ActionId);
        json.WriteString("type"u8, button.Type);
        WriteIfSet(json, "value"u8, button.Value);
        WriteIfSet(json, "url"u8, button.Url);
        WriteIfSet(json, "style"u8, button.Style);
        json.WriteEndObject();
    }

    private static void WriteTexts(Utf8JsonWriter json, ReadOnlySpan<byte> name, IReadOnlyList<TextObject>? texts)
    {
        if (texts is null)
        {
            return;
        }

        json.WriteStartArray(name);
        for (var i = 0; i < texts.Count; i++)
        {
            WriteText(json, texts[i]);
        }

        json.WriteEndArray();
    }

    private static void WriteText(Utf8JsonWriter json, ReadOnlySpan<byte> name, TextObject? text)
    {
        if (text is not null)
        {
            json.WritePropertyName(name);
            WriteText(json, text);
        }
    }

    private static void WriteText(Utf8JsonWriter json, TextObject text)
    {
        switch (text)
        {
            case PlainText plain:
                StartObject(json, "plain_text"u8);
                json.WriteBoolean("emoji"u8, plain.Emoji);
                break;
            case MrkdwnText:
                StartObject(json, "mrkdwn"u8);
                break;
            default:
                JsonSerializer.Serialize(json, text, SlackJson.Options); // a text type this writer does not know yet
                return;
        }

        WriteIfSet(json, "text"u8, text.Text);
        json.WriteEndObject();
    }

    /// <summary>Opens a polymorphic object: the serializer writes its <c>type</c> discriminator first.</summary>
    private static void StartObject(Utf8JsonWriter json, ReadOnlySpan<byte> type)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, type);
    }

    private static void WriteIfSet(Utf8JsonWriter json, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
