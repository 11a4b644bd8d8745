using System.Text.Json;

namespace DrsBot.Slack;

/// <summary>
/// A reply to Slack's request, as JSON written straight into the response: in one synchronous pass into Kestrel's
/// own buffers by <see cref="SlackMessageWriter"/>, instead of the resumable (async) serializer <c>Results.Json</c>
/// uses, which for a reply this small cost more in bookkeeping than in writing (README, Performance).
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
        Write(response.BodyWriter, message);
        var flush = response.BodyWriter.FlushAsync(httpContext.RequestAborted);
        return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask(); // a reply this size flushes at once
    }

    // One writer per thread, reset onto each reply's output: Write runs start to end without yielding, so no two
    // replies share one, and a writer is not made and thrown away for every reply.
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    // Where a writer points between replies, so it keeps no connection's buffers reachable.
    private static readonly System.Buffers.ArrayBufferWriter<byte> Nowhere = new(1);

    /// <summary>The message as Slack's JSON, written into <paramref name="output"/> in one pass.</summary>
    public static void Write(System.Buffers.IBufferWriter<byte> output, SlackMessage message)
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
