using System.Text.Json;

namespace DrsBot.Drs;

/// <summary>
/// Reads a compare-progress answer the way <c>JsonSerializer.Deserialize&lt;CompareProgress&gt;(json, DrsJson.Options)</c>
/// does, for the one answer every command and poll reads. The serializer keeps a stack of frames and an argument state
/// for each record it builds (about 0.7 KiB a call); this walks the bytes once and allocates the records and their
/// strings. Whatever it is not sure to read as the serializer would (an escaped or odd-cased name, a number sent as a
/// string, a value of the wrong kind, a repeated field) is handed to the serializer itself, so the two never disagree:
/// a property test compares them on generated answers.
/// </summary>
internal static class CompareProgressReader
{
    /// <summary>The answer, or a <see cref="JsonException"/> where the serializer would throw one.</summary>
    public static CompareProgress? Read(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (TryReadProgress(ref reader, out var progress) && !reader.Read())
            {
                return progress;
            }
        }
        catch (JsonException)
        {
            // Malformed: the serializer throws its own exception for it below.
        }

        return JsonSerializer.Deserialize<CompareProgress>(json, DrsJson.Options);
    }

    private static bool TryReadProgress(ref Utf8JsonReader reader, out CompareProgress? progress)
    {
        progress = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        FullCompareInfo? full = null;
        IncrementalCompareInfo? incre = null;
        GlobalCompareInfo? global = null;
        var seen = 0;
        while (Next(ref reader, out var name))
        {
            var ok = name switch
            {
                Name.Full => Once(ref seen, 1) && (IsNull(ref reader) || (IsObject(ref reader) && TryReadFull(ref reader, out full))),
                Name.Incremental => Once(ref seen, 2) && (IsNull(ref reader) || (IsObject(ref reader) && TryReadIncremental(ref reader, out incre))),
                Name.Global => Once(ref seen, 4) && (IsNull(ref reader) || (IsObject(ref reader) && TryReadGlobal(ref reader, out global))),
                Name.Unknown => Skip(ref reader),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        progress = new CompareProgress(full, incre, global);
        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static bool IsNull(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.Null;

    private static bool IsObject(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.StartObject;

    private static bool TryReadFull(ref Utf8JsonReader reader, out FullCompareInfo? full)
    {
        full = null;
        double? progress = null;
        string? speed = null;
        long? recheck = null;
        var seen = 0;
        while (Next(ref reader, out var name))
        {
            var ok = name switch
            {
                Name.Progress => Once(ref seen, 1) && TryRead(ref reader, out progress),
                Name.SourceSpeed => Once(ref seen, 2) && TryRead(ref reader, out speed),
                Name.RecheckEntities => Once(ref seen, 4) && TryRead(ref reader, out recheck),
                Name.Unknown => Skip(ref reader),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        full = new FullCompareInfo(progress, speed, recheck);
        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static bool TryReadIncremental(ref Utf8JsonReader reader, out IncrementalCompareInfo? incre)
    {
        incre = null;
        double? delay = null;
        string? speed = null, logPoint = null;
        long? rps = null, recheck = null;
        var seen = 0;
        while (Next(ref reader, out var name))
        {
            var ok = name switch
            {
                Name.Delay => Once(ref seen, 1) && TryRead(ref reader, out delay),
                Name.SourceSpeed => Once(ref seen, 2) && TryRead(ref reader, out speed),
                Name.RowsPerSecond => Once(ref seen, 4) && TryRead(ref reader, out rps),
                Name.LogPoint => Once(ref seen, 8) && TryRead(ref reader, out logPoint),
                Name.RecheckEntities => Once(ref seen, 16) && TryRead(ref reader, out recheck),
                Name.Unknown => Skip(ref reader),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        incre = new IncrementalCompareInfo(delay, speed, rps, logPoint, recheck);
        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static bool TryReadGlobal(ref Utf8JsonReader reader, out GlobalCompareInfo? global)
    {
        global = null;
        string? speed = null;
        var seen = 0;
        while (Next(ref reader, out var name))
        {
            var ok = name switch
            {
                Name.SourceSpeed => Once(ref seen, 1) && TryRead(ref reader, out speed),
                Name.Unknown => Skip(ref reader),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        global = new GlobalCompareInfo(speed);
        return reader.TokenType == JsonTokenType.EndObject;
    }

    private enum Name
    {
        Unknown,
        Unsure,
        Full,
        Incremental,
        Global,
        Progress,
        SourceSpeed,
        RecheckEntities,
        Delay,
        RowsPerSecond,
        LogPoint,
    }

    private static readonly (byte[] Utf8, Name Name)[] Names =
    [
        ("full_info"u8.ToArray(), Name.Full), ("incre_info"u8.ToArray(), Name.Incremental), ("global_info"u8.ToArray(), Name.Global),
        ("progress"u8.ToArray(), Name.Progress), ("src_speed"u8.ToArray(), Name.SourceSpeed),
        ("recheck_entities"u8.ToArray(), Name.RecheckEntities), ("delay"u8.ToArray(), Name.Delay),
        ("rps"u8.ToArray(), Name.RowsPerSecond), ("log_point"u8.ToArray(), Name.LogPoint),
    ];

    /// <summary>Moves to the next property's value; false at the end of the object (or anything else).</summary>
    private static bool Next(ref Utf8JsonReader reader, out Name name)
    {
        name = Name.Unsure;
        if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName)
        {
            return false;
        }

        name = NameOf(ref reader);
        return reader.Read();
    }

    // The serializer matches names ignoring case (OrdinalIgnoreCase, by which even some non-ASCII letters match ASCII
    // ones). A name written exactly as DRS writes it is read here. Any other name is skipped only when it cannot match
    // one ignoring case either: plain ASCII with no capital letter (every field's name is lower case). Escaped names,
    // capitals and anything beyond ASCII are left to the serializer.
    private static Name NameOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped)
        {
            return Name.Unsure;
        }

        var text = reader.ValueSpan;
        foreach (var (utf8, name) in Names)
        {
            if (text.SequenceEqual(utf8))
            {
                return name;
            }
        }

        return text.ContainsAnyExceptInRange((byte)0x20, (byte)0x7E) || text.ContainsAnyInRange((byte)'A', (byte)'Z')
            ? Name.Unsure
            : Name.Unknown;
    }

    // A field seen twice is left to the serializer and its rules for duplicates.
    private static bool Once(ref int seen, int field)
    {
        var first = (seen & field) == 0;
        seen |= field;
        return first;
    }

    private static bool Skip(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return true;
    }

    private static bool TryRead(ref Utf8JsonReader reader, out double? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var number))
        {
            value = number;
            return true;
        }

        return reader.TokenType == JsonTokenType.Null;
    }

    private static bool TryRead(ref Utf8JsonReader reader, out long? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number))
        {
            value = number;
            return true;
        }

        return reader.TokenType == JsonTokenType.Null;
    }

    private static bool TryRead(ref Utf8JsonReader reader, out string? value)
    {
        value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return reader.TokenType is JsonTokenType.String or JsonTokenType.Null;
    }
}
