using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;

namespace DrsBot.Infrastructure;

/// <summary>
/// One JSON object per log line, for log pipelines:
/// <c>{"Timestamp","LogLevel","Category","EventId","Message","Exception"?,"State":{…},"Scopes":{…}}</c>.
/// State holds the message's named values; Scopes holds every scope's values in one object (Slack team, channel and
/// user; DRS's request id; the request's path and id), so a pipeline reads <c>Scopes.SlackTeam</c> directly.
/// <para>
/// It replaces the built-in JSON console formatter, which wrote each scope's text next to its values and cost about
/// 10 KiB and a sixth of the throughput per command (README, Performance). This one writes UTF-8 through one reused
/// <see cref="Utf8JsonWriter"/> per thread, straight into <see cref="LogOutput"/>: a line allocates its message
/// text and little else, and is never turned into a string.
/// </para>
/// </summary>
internal static class JsonLineFormatter
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Logs are read by tools, not browsers: keep non-ASCII text and characters like + and < as they are.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    [ThreadStatic] private static Line? t_line;

    public static void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, LogOutput output)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (logEntry.Exception is null && message is null)
        {
            return;
        }

        // A value whose ToString logs would write a line inside this one: it gets a writer of its own.
        var line = t_line is { InUse: false } cached ? cached : new Line();
        t_line ??= line;
        line.InUse = true;
        try
        {
            Write(line, logEntry, message, scopeProvider, output);
        }
        finally
        {
            line.InUse = false;
            if (line.Oversized && ReferenceEquals(t_line, line))
            {
                t_line = null; // a rare huge line (an exception's stack) must not keep its buffers on this thread for good
            }
        }
    }

    private static void Write<TState>(Line line, in LogEntry<TState> logEntry, string message, IExternalScopeProvider? scopeProvider, LogOutput output)
    {
        var json = line.Start();
        json.WriteStartObject();
        Span<char> stamp = stackalloc char[24];
        DateTime.UtcNow.TryFormat(stamp, out var length, "yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        json.WriteString("Timestamp"u8, stamp[..length]);
        json.WriteString("LogLevel"u8, LevelName(logEntry.LogLevel));
        json.WriteString("Category"u8, logEntry.Category);
        json.WriteNumber("EventId"u8, logEntry.EventId.Id);
        json.WriteString("Message"u8, message);
        if (logEntry.Exception is { } exception)
        {
            json.WriteString("Exception"u8, exception.ToString());
        }

        if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> state)
        {
            json.WriteStartObject("State"u8);
            WriteValues(json, state);
            json.WriteEndObject();
        }

        if (scopeProvider is not null)
        {
            json.WriteStartObject("Scopes"u8);
            scopeProvider.ForEachScope(static (scope, json) => WriteScope(json, scope), json);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        line.WriteTo(output);
    }

    private static void WriteScope(Utf8JsonWriter json, object? scope)
    {
        switch (scope)
        {
            case IReadOnlyList<KeyValuePair<string, object?>> list:
                WriteValues(json, list);
                break;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                foreach (var (key, value) in pairs)
                {
                    WriteValue(json, key, value);
                }

                break;
            case null:
                break;
            default:
                WriteValue(json, "Scope", scope);
                break;
        }
    }

    private static void WriteValues(Utf8JsonWriter json, IReadOnlyList<KeyValuePair<string, object?>> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            var (key, value) = values[i];
            WriteValue(json, key, value);
        }
    }

    private static void WriteValue(Utf8JsonWriter json, string key, object? value)
    {
        if (key == "{OriginalFormat}")
        {
            return; // the template; the message already says it with the values in
        }

        json.WritePropertyName(key);
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case string text:
                json.WriteStringValue(text);
                break;
            case bool flag:
                json.WriteBooleanValue(flag);
                break;
            case int number:
                json.WriteNumberValue(number);
                break;
            case long number:
                json.WriteNumberValue(number);
                break;
            case double number when double.IsFinite(number):
                json.WriteNumberValue(number);
                break;
            case decimal number:
                json.WriteNumberValue(number);
                break;
            case ISpanFormattable formattable:
                Span<char> buffer = stackalloc char[64];
                var format = value is DateTimeOffset or DateTime ? "O" : default(ReadOnlySpan<char>); // ISO 8601
                if (formattable.TryFormat(buffer, out var written, format, CultureInfo.InvariantCulture))
                {
                    json.WriteStringValue(buffer[..written]);
                }
                else
                {
                    json.WriteStringValue(formattable.ToString(format.IsEmpty ? null : format.ToString(), CultureInfo.InvariantCulture));
                }

                break;
            default:
                json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "Trace",
        LogLevel.Debug => "Debug",
        LogLevel.Information => "Information",
        LogLevel.Warning => "Warning",
        LogLevel.Error => "Error",
        LogLevel.Critical => "Critical",
        _ => "None",
    };

    /// <summary>One thread's writer and buffer, reused line after line.</summary>
    private sealed class Line
    {
        private readonly JsonBuffer _buffer = new(WriterOptions);

        public bool InUse { get; set; }

        public bool Oversized => _buffer.Oversized;

        public Utf8JsonWriter Start() => _buffer.Start();

        public void WriteTo(LogOutput output) => output.Append(_buffer.Written());
    }
}
