using System.Text;
using System.Text.Json;
using DrsBot.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DrsBot.Tests.Infrastructure;

/// <summary>The production log line: one valid JSON object whatever the values, with state and scopes as fields.</summary>
public sealed class JsonLineFormatterTests
{
    private static JsonElement Format<TState>(TState state, Func<TState, Exception?, string> formatter,
        Exception? exception = null, params object[] scopes)
    {
        var provider = new LoggerExternalScopeProvider();
        var pushed = scopes.Select(s => provider.Push(s)).ToList();
        var line = Lines.Of(output => JsonLineFormatter.Write(
            new LogEntry<TState>(LogLevel.Warning, "DrsBot.Test", new EventId(7), state, exception, formatter), provider, output));
        pushed.ForEach(p => p.Dispose());
        Assert.EndsWith("}\n", line, StringComparison.Ordinal);
        Assert.Single(line.Split('\n', StringSplitOptions.RemoveEmptyEntries)); // one line, whatever the values hold
        return JsonDocument.Parse(line).RootElement;
    }

    private static List<KeyValuePair<string, object?>> Values(params (string Key, object? Value)[] values) =>
        [.. values.Select(v => new KeyValuePair<string, object?>(v.Key, v.Value))];

    [Fact]
    public void Message_level_category_and_state_values_are_fields_and_the_template_is_left_out()
    {
        var state = Values(("Verb", "Progress"), ("Count", 3), ("Delay", 9.58), ("Kind", DayOfWeek.Monday),
            ("At", new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero)), ("Missing", null), ("Flag", true),
            ("{OriginalFormat}", "/drs-progress {Verb}"));
        var line = Format(state, (_, _) => "/drs-progress Progress");

        Assert.Equal("Warning", line.GetProperty("LogLevel").GetString());
        Assert.Equal("DrsBot.Test", line.GetProperty("Category").GetString());
        Assert.Equal(7, line.GetProperty("EventId").GetInt32());
        Assert.Equal("/drs-progress Progress", line.GetProperty("Message").GetString());
        Assert.True(DateTimeOffset.TryParse(line.GetProperty("Timestamp").GetString(), out _));
        var fields = line.GetProperty("State");
        Assert.Equal("Progress", fields.GetProperty("Verb").GetString());
        Assert.Equal(3, fields.GetProperty("Count").GetInt32());
        Assert.Equal(9.58, fields.GetProperty("Delay").GetDouble());
        Assert.Equal("Monday", fields.GetProperty("Kind").GetString());
        Assert.Equal("2026-11-29T10:00:00.0000000+00:00", fields.GetProperty("At").GetString()); // ISO 8601, not a culture's
        Assert.Equal(JsonValueKind.Null, fields.GetProperty("Missing").ValueKind);
        Assert.True(fields.GetProperty("Flag").GetBoolean());
        Assert.False(fields.TryGetProperty("{OriginalFormat}", out _));
    }

    [Fact]
    public void Quotes_newlines_control_characters_and_non_finite_numbers_still_make_one_valid_line()
    {
        var hostile = "a\"b\\c\nd\re\u0001f</script>é😀 lone \ud800 surrogate";
        var line = Format(Values(("Text", hostile), ("Nan", double.NaN), ("Inf", double.PositiveInfinity)),
            (_, _) => hostile, new InvalidOperationException("boom\nline two"));

        var readable = hostile.Replace("\ud800", "\ufffd", StringComparison.Ordinal); // JSON cannot carry half a character
        Assert.Equal(readable, line.GetProperty("Message").GetString());
        Assert.Equal(readable, line.GetProperty("State").GetProperty("Text").GetString());
        Assert.Equal("NaN", line.GetProperty("State").GetProperty("Nan").GetString());
        Assert.Equal("Infinity", line.GetProperty("State").GetProperty("Inf").GetString());
        Assert.Contains("InvalidOperationException: boom\nline two", line.GetProperty("Exception").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_scopes_values_land_in_one_scopes_object()
    {
        var line = Format(Values(("{OriginalFormat}", "x")), (_, _) => "x", null,
            LogScopes.Slack("T1", "C1", "U1", "0HN:00000001"), LogScopes.DrsRequest("req-9"), "a plain scope");

        var scopes = line.GetProperty("Scopes");
        Assert.Equal("T1", scopes.GetProperty("SlackTeam").GetString());
        Assert.Equal("C1", scopes.GetProperty("SlackChannel").GetString());
        Assert.Equal("U1", scopes.GetProperty("SlackUser").GetString());
        Assert.Equal("req-9", scopes.GetProperty("DrsRequestId").GetString());
        Assert.Equal("a plain scope", scopes.GetProperty("Scope").GetString());
    }

    /// <summary>A value whose text is made by code that logs (on the same thread, into the same formatter).</summary>
    private sealed class LogsWhenPrinted(LogOutput output)
    {
        public override string ToString()
        {
            JsonLineFormatter.Write(new LogEntry<string>(LogLevel.Information, "Inner", default, "inner", null, (s, _) => s), null, output);
            return "outer value";
        }
    }

    [Fact]
    public void A_line_written_while_another_is_being_written_on_the_same_thread_leaves_both_whole()
    {
        var text = Lines.Of(output =>
        {
            var state = Values(("Value", new LogsWhenPrinted(output)));
            JsonLineFormatter.Write(new LogEntry<List<KeyValuePair<string, object?>>>(LogLevel.Information, "Outer", default, state, null, (_, _) => "outer"), null, output);
        });

        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length); // the inner line is finished first, then the outer one, each whole
        Assert.Equal("inner", JsonDocument.Parse(lines[0]).RootElement.GetProperty("Message").GetString());
        var line = JsonDocument.Parse(lines[1]).RootElement;
        Assert.Equal("outer", line.GetProperty("Message").GetString());
        Assert.Equal("outer value", line.GetProperty("State").GetProperty("Value").GetString());
    }

    [Fact]
    public void A_huge_line_is_written_whole_and_the_next_one_is_still_right()
    {
        var huge = new string('x', 200_000);
        Assert.Equal(huge, Format(Values(), (_, _) => huge).GetProperty("Message").GetString());
        Assert.Equal("small", Format(Values(), (_, _) => "small").GetProperty("Message").GetString());
    }
}

/// <summary>What a <see cref="LogOutput"/> wrote, as text, once it has been disposed (which writes what is pending).</summary>
internal static class Lines
{
    public static string Of(Action<LogOutput> write)
    {
        var stream = new MemoryStream();
        using (var output = new LogOutput(stream))
        {
            write(output);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
