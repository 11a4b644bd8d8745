using System.Buffers;
using System.Text.Json;

namespace DrsBot.Infrastructure;

/// <summary>
/// A <see cref="Utf8JsonWriter"/> and the bytes it writes, kept by one thread and reused for everything that thread
/// writes of one kind (a log line, a reply), so writing JSON allocates nothing. Its holder keeps it in a
/// [ThreadStatic] and drops it when <see cref="Oversized"/>, so a rare huge text does not hold its buffer for good.
/// </summary>
internal sealed class JsonBuffer(JsonWriterOptions options)
{
    private const int LargestKept = 64 * 1024;

    private readonly ArrayBufferWriter<byte> _bytes = new(4096);
    private Utf8JsonWriter? _json;

    public bool Oversized => _bytes.Capacity > LargestKept;

    /// <summary>The writer, emptied: what it writes replaces what was written before.</summary>
    public Utf8JsonWriter Start()
    {
        _bytes.ResetWrittenCount();
        if (_json is null)
        {
            _json = new Utf8JsonWriter(_bytes, options);
        }
        else
        {
            _json.Reset(_bytes);
        }

        return _json;
    }

    /// <summary>What the writer wrote since <see cref="Start"/>, valid until the next Start.</summary>
    public ReadOnlySpan<byte> Written()
    {
        _json?.Flush();
        return _bytes.WrittenSpan;
    }
}
