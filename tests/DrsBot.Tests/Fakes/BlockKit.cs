using System.Text.Json;
using DrsBot.Slack;

namespace DrsBot.Tests.Fakes;

/// <summary>
/// Slack's Block Kit rules that a message must pass or be rejected with <c>invalid_blocks</c>. The fake Slack
/// applies them to every message, and the tests to every reply, so a malformed block fails a test the way it
/// would fail in Slack.
/// </summary>
public static class BlockKit
{
    private static readonly HashSet<string> TextTypes = ["plain_text", "mrkdwn"];

    public static IReadOnlyList<string> Problems(JsonElement message)
    {
        var problems = new List<string>();
        if (!message.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String || text.GetString()!.Length == 0)
        {
            problems.Add("no top-level text fallback");
        }

        if (!message.TryGetProperty("blocks", out var blocks))
        {
            return problems;
        }

        if (blocks.GetArrayLength() > 50)
        {
            problems.Add("more than 50 blocks");
        }

        foreach (var block in blocks.EnumerateArray())
        {
            var type = block.TryGetProperty("type", out var t) ? t.GetString() : null;
            switch (type)
            {
                case "header":
                    Text(block, "text", problems, "header", 150, plainOnly: true);
                    break;
                case "section":
                    var hasText = block.TryGetProperty("text", out _);
                    var hasFields = block.TryGetProperty("fields", out var fields);
                    if (!hasText && !hasFields)
                    {
                        problems.Add("section without text or fields");
                    }

                    if (hasText)
                    {
                        Text(block, "text", problems, "section", 3000);
                    }

                    if (block.TryGetProperty("accessory", out var accessory))
                    {
                        Button(accessory, problems, []);
                    }

                    if (hasFields)
                    {
                        if (fields.GetArrayLength() is 0 or > 10)
                        {
                            problems.Add("section fields: 1 to 10");
                        }

                        foreach (var field in fields.EnumerateArray())
                        {
                            TextObject(field, problems, "field", 2000, plainOnly: false);
                        }
                    }

                    break;
                case "context":
                    var elements = block.GetProperty("elements");
                    if (elements.GetArrayLength() is 0 or > 10)
                    {
                        problems.Add("context elements: 1 to 10");
                    }

                    foreach (var element in elements.EnumerateArray())
                    {
                        TextObject(element, problems, "context", 3000, plainOnly: false);
                    }

                    break;
                case "divider":
                    break;
                case "actions":
                    var buttons = block.GetProperty("elements");
                    if (buttons.GetArrayLength() is 0 or > 25)
                    {
                        problems.Add("actions elements: 1 to 25");
                    }

                    var actionIds = new HashSet<string>();
                    foreach (var button in buttons.EnumerateArray())
                    {
                        Button(button, problems, actionIds);
                    }

                    break;
                default:
                    problems.Add($"unknown block type {type}");
                    break;
            }
        }

        return problems;
    }

    private static void Button(JsonElement button, List<string> problems, HashSet<string> actionIds)
    {
        if (button.GetProperty("type").GetString() != "button")
        {
            problems.Add("actions: only buttons are used");
        }

        Text(button, "text", problems, "button", 75, plainOnly: true);
        var actionId = button.TryGetProperty("action_id", out var a) ? a.GetString() ?? "" : "";
        if (actionId.Length is 0 or > 255 || !actionIds.Add(actionId))
        {
            problems.Add($"button action_id '{actionId}' missing, too long or repeated");
        }

        if (button.TryGetProperty("value", out var value) && value.GetString()!.Length > 2000)
        {
            problems.Add("button value over 2000 characters");
        }

        if (button.TryGetProperty("style", out var style) && style.GetString() is not ("primary" or "danger"))
        {
            problems.Add("button style must be primary or danger");
        }
    }

    public static void AssertValid(JsonElement message)
    {
        var problems = Problems(message);
        Assert.True(problems.Count == 0, "invalid_blocks: " + string.Join("; ", problems) + "\n" + message);
    }

    private static void Text(JsonElement block, string property, List<string> problems, string where, int max, bool plainOnly = false)
    {
        if (!block.TryGetProperty(property, out var text))
        {
            problems.Add($"{where} without {property}");
            return;
        }

        TextObject(text, problems, where, max, plainOnly);
    }

    private static void TextObject(JsonElement text, List<string> problems, string where, int max, bool plainOnly)
    {
        var type = text.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (type is null || !TextTypes.Contains(type) || (plainOnly && type != "plain_text"))
        {
            problems.Add($"{where} text object has type {type ?? "(none)"}");
        }

        var value = text.TryGetProperty("text", out var v) ? v.GetString() ?? "" : "";
        if (value.Length is 0 || value.Length > max)
        {
            problems.Add($"{where} text length {value.Length} (1 to {max})");
        }
    }
}
