namespace DrsBot.Infrastructure;

/// <summary>
/// Where the JSON log lines go (standard output in production): written by a thread of its own, so a command never
/// waits on the pipe, and in batches, so every line that arrived while one write was under way goes out in the next
/// single write. The built-in console logger made a string of each line and one write call per line.
/// <para>
/// Lines wait in one buffer while the other is written. Like the console logger's default, a full buffer
/// (<see cref="DefaultMaxPendingBytes"/>, about 3,000 command lines) makes the logging thread wait rather than drop
/// lines. Once writing has failed (standard output closed), lines are dropped: logging must never stop the bot.
/// </para>
/// </summary>
internal sealed class LogOutput : IDisposable
{
    public const int DefaultMaxPendingBytes = 1024 * 1024;

    /// <summary>How long disposing waits for what is pending to be written, as the console logger does.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMilliseconds(1500);

    private const int InitialBytes = 64 * 1024;

    private readonly Stream _stream;
    private readonly int _maxPendingBytes;
    private readonly object _gate = new(); // an object, not a Lock: the writer and full buffers wait on it with Monitor
    private readonly Thread _writer;
    private byte[] _pending = new byte[InitialBytes];
    private byte[] _writing = new byte[InitialBytes];
    private int _pendingLength;
    private bool _closing;   // Dispose was called: the writer empties the buffer, then stops
    private bool _stopped;   // the writer has stopped: lines are written by the caller, under the lock
    private bool _broken;    // a write failed: lines are dropped

    public LogOutput(Stream stream, int maxPendingBytes = DefaultMaxPendingBytes)
    {
        _stream = stream;
        _maxPendingBytes = maxPendingBytes;
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "DrsBot log writer" };
        _writer.Start();
    }

    /// <summary>Queues one line and the newline that ends it; lines from many threads never interleave.</summary>
    public void Append(ReadOnlySpan<byte> text)
    {
        var length = text.Length + 1; // JSON Lines: a newline ends each line, whatever the platform
        lock (_gate)
        {
            while (_pendingLength > 0 && _pendingLength + length > _maxPendingBytes && !_stopped && !_broken)
            {
                Monitor.Wait(_gate);
            }

            if (_broken)
            {
                return;
            }

            if (_stopped)
            {
                WriteNow(text); // after shutdown (a late line from a disposing component): synchronously, in order
                return;
            }

            if (_pending.Length - _pendingLength < length)
            {
                Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _pendingLength + length));
            }

            text.CopyTo(_pending.AsSpan(_pendingLength));
            _pending[_pendingLength + text.Length] = (byte)'\n';
            _pendingLength += length;
            if (_pendingLength == length)
            {
                Monitor.PulseAll(_gate); // the buffer was empty: the writer may be waiting for it
            }
        }
    }

    private void WriteLoop()
    {
        while (true)
        {
            int length;
            lock (_gate)
            {
                while (_pendingLength == 0 && !_closing)
                {
                    Monitor.Wait(_gate);
                }

                if (_pendingLength == 0)
                {
                    _stopped = true;
                    Monitor.PulseAll(_gate);
                    return;
                }

                (_pending, _writing) = (_writing, _pending);
                length = _pendingLength;
                _pendingLength = 0;
                Monitor.PulseAll(_gate); // room again for lines that waited
            }

            try
            {
                _stream.Write(_writing, 0, length);
                _stream.Flush();
            }
            catch (Exception)
            {
                // Whatever the stream threw: an exception escaping this thread would end the process.
                lock (_gate)
                {
                    _broken = true;
                    _stopped = true;
                    Monitor.PulseAll(_gate);
                }

                return;
            }

            if (_writing.Length > _maxPendingBytes * 2L)
            {
                _writing = new byte[InitialBytes]; // a rare huge line (an exception's stack) must not hold its buffer for good
            }
        }
    }

    private void WriteNow(ReadOnlySpan<byte> text)
    {
        try
        {
            _stream.Write(text);
            _stream.WriteByte((byte)'\n');
            _stream.Flush();
        }
        catch (Exception)
        {
            _broken = true;
        }
    }

    /// <summary>Writes what is pending (waiting at most 1.5 s), then stops the writer; later lines are written at once.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _closing = true;
            Monitor.PulseAll(_gate);
        }

        _writer.Join(DrainTimeout);
    }
}
