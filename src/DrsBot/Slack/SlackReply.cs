using System.Buffers;
using System.Text.Json;

namespace DrsBot.Slack;

/// <summary>
/// A reply to Slack's request, as JSON written in one synchronous pass by <see cref="SlackMessageWriter"/>, instead of
/// the resumable (async) serializer <c>Results.Json</c> uses, which for a reply this small cost more in bookkeeping
/// than in writing (README, Performance). It is written first into a buffer of this thread's, so the response can
/// declare its length: written straight into the response, it went out chunked, with a closing chunk after it.
/// </summary>
internal sealed class SlackReply(SlackMessage message) : IResult
{
    // A writer of our own takes its escaping from these options, not from SlackJson.Options.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = SlackJson.Options.Encoder, SkipValidation = true };

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        var json = t_reply ??= new ArrayBufferWriter<byte>(4096);
        json.ResetWrittenCount();
        Write(json, message);
        response.ContentLength = json.WrittenCount;
        response.BodyWriter.Write(json.WrittenSpan);
        if (json.Capacity > LargestKeptReply)
        {
            t_reply = null; // an unusually large reply (a long job view) does not keep its buffer on this thread
        }

        var flush = response.BodyWriter.FlushAsync(httpContext.RequestAborted);
        return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask(); // a reply this size flushes at once
    }

    // Each thread's reply buffer, reused: ExecuteAsync fills and copies it out without yielding.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_reply;

    private const int LargestKeptReply = 64 * 1024;

    // One writer per thread, reset onto each reply's output: Write runs start to end without yielding, so no two
    // replies share one, and a writer is not made and thrown away for every reply.
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    // Where a writer points between replies, so it keeps no connection's buffers reachable.
    private static readonly ArrayBufferWriter<byte> Nowhere = new(1);

    /// <summary>The message as Slack's JSON, written into <paramref name="output"/> in one pass.</summary>
    public static void Write(IBufferWriter<byte> output, SlackMessage message)
    {
        var json = t_writer;
        if (json is null)
        {
            t_writer = json = new Utf8JsonWriter(output, WriterOptions);
        }
        else
        {
            json.Reset(output);
        }

        try
        {
            SlackMessageWriter.Write(json, message);
            json.Flush();
        }
        finally
        {
            json.Reset(Nowhere);
        }
    }
}
