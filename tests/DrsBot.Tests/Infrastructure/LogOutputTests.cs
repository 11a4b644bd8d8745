using System.Collections.Concurrent;
using System.Text;
using DrsBot.Infrastructure;

namespace DrsBot.Tests.Infrastructure;

/// <summary>Standard output for log lines: whole lines, in order, batched, bounded, and never in the bot's way.</summary>
public sealed class LogOutputTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static byte[] Line(string text) => Encoding.UTF8.GetBytes(text); // LogOutput ends it with a newline

    /// <summary>A stream whose writes wait until the test opens the gate, and which records each write.</summary>
    private sealed class GatedStream : MemoryStream
    {
        private readonly ManualResetEventSlim _open = new(initialState: false);

        public ConcurrentQueue<string> Writes { get; } = new();

        public SemaphoreSlim Entered { get; } = new(0);

        public void Open() => _open.Set();

        public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);

        public override void Write(byte[] buffer, int offset, int count)
        {
            Entered.Release();
            _open.Wait(Patience);
            Writes.Enqueue(Encoding.UTF8.GetString(buffer, offset, count));
            base.Write(buffer, offset, count);
        }
    }

    private sealed class BrokenStream(Exception failure) : MemoryStream
    {
        public int Attempts;

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Interlocked.Increment(ref Attempts);
            throw failure;
        }
    }

    [Fact]
    public void Lines_from_many_threads_arrive_whole_each_once_and_in_each_threads_order()
    {
        var stream = new MemoryStream();
        using (var output = new LogOutput(stream, maxPendingBytes: 4096))
        {
            Parallel.For(0, 8, thread =>
            {
                for (var i = 0; i < 2_000; i++)
                {
                    output.Append(Line($"{{\"thread\":{thread},\"n\":{i},\"pad\":\"{new string('x', i % 97)}\"}}"));
                }
            });
        }

        var lines = Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(16_000, lines.Length);
        var next = new int[8];
        foreach (var line in lines)
        {
            var value = System.Text.Json.JsonDocument.Parse(line).RootElement; // whole: never two lines run together
            var thread = value.GetProperty("thread").GetInt32();
            Assert.Equal(next[thread]++, value.GetProperty("n").GetInt32());
        }
    }

    [Fact]
    public async Task Lines_that_arrive_during_a_write_go_out_together_in_the_next_one()
    {
        var stream = new GatedStream();
        using var output = new LogOutput(stream);
        output.Append(Line("first"));
        Assert.True(await stream.Entered.WaitAsync(Patience)); // the writer is inside its first write, held there

        for (var i = 0; i < 100; i++)
        {
            output.Append(Line($"line {i}")); // the bot's threads are not held: the lines wait in the other buffer
        }

        stream.Open();
        output.Dispose();
        Assert.Equal(["first\n", string.Concat(Enumerable.Range(0, 100).Select(i => $"line {i}\n"))], stream.Writes);
    }

    [Fact]
    public async Task A_full_buffer_makes_the_logging_thread_wait_instead_of_dropping_lines()
    {
        var stream = new GatedStream();
        using var output = new LogOutput(stream, maxPendingBytes: 64);
        output.Append(Line("first"));
        Assert.True(await stream.Entered.WaitAsync(Patience));
        output.Append(Line(new string('a', 40)));

        var blocked = Task.Run(() => output.Append(Line(new string('b', 40)))); // 82 bytes would not fit in 64
        await Task.Delay(300);
        Assert.False(blocked.IsCompleted);

        stream.Open();
        await blocked.WaitAsync(Patience);
        output.Dispose();
        Assert.Equal($"first\n{new string('a', 40)}\n{new string('b', 40)}\n", string.Concat(stream.Writes));
    }

    [Fact]
    public void A_line_larger_than_the_buffer_is_still_written_whole()
    {
        var stream = new MemoryStream();
        var huge = new string('h', 10_000);
        using (var output = new LogOutput(stream, maxPendingBytes: 1024))
        {
            output.Append(Line("before"));
            output.Append(Line(huge));
            output.Append(Line("after"));
        }

        Assert.Equal($"before\n{huge}\nafter\n", Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Theory]
    [InlineData("io")]
    [InlineData("other")] // anything escaping the writer's thread would end the whole process
    public async Task Once_standard_output_fails_lines_are_dropped_and_logging_neither_throws_nor_waits(string failure)
    {
        var stream = new BrokenStream(failure == "io" ? new IOException("Broken pipe") : new InvalidOperationException("odd stream"));
        using var output = new LogOutput(stream, maxPendingBytes: 64);
        output.Append(Line("first"));

        var many = Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                output.Append(Line($"line {i} {new string('x', 30)}")); // far past the 64-byte buffer
            }
        });

        await many.WaitAsync(Patience);
        output.Dispose();
        Assert.Equal(1, stream.Attempts); // the failed write was not retried line by line
    }

    [Fact]
    public void Disposing_writes_what_is_pending_and_later_lines_are_written_at_once()
    {
        var stream = new MemoryStream();
        var output = new LogOutput(stream);
        for (var i = 0; i < 1_000; i++)
        {
            output.Append(Line($"line {i}"));
        }

        output.Dispose();
        Assert.Equal(1_000, Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        output.Append(Line("late")); // a component disposed after logging was: written, not lost
        Assert.EndsWith("line 999\nlate\n", Encoding.UTF8.GetString(stream.ToArray()), StringComparison.Ordinal);
    }
}
