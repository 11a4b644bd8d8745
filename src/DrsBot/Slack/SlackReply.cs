using System.Buffers;
using System.Text.Json;
using DrsBot.Infrastructure;

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

    // Each thread's reply buffer: a reply is written and copied out without yielding, so no two replies share one.
    [ThreadStatic]
    private static JsonBuffer? t_reply;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        var json = Write(message);
        response.ContentLength = json.Length;
        response.BodyWriter.Write(json);
        var flush = response.BodyWriter.FlushAsync(httpContext.RequestAborted);
        return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask(); // a reply this size flushes at once
    }

    /// <summary>The message as Slack's JSON, in this thread's buffer: valid until the thread's next reply.</summary>
    public static ReadOnlySpan<byte> Write(SlackMessage message)
    {
        var buffer = t_reply ??= new JsonBuffer(WriterOptions);
        SlackMessageWriter.Write(buffer.Start(), message);
        var json = buffer.Written();
        if (buffer.Oversized)
        {
            t_reply = null; // an unusually large reply (a long job view) does not keep its buffer on this thread
        }

        return json;
    }
}
