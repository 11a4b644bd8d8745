using System.Text.Json;

namespace DrsBot.Slack;

/// <summary>
/// A reply to Slack's request, serialized up front (source-generated, <see cref="SlackJson.Message"/>) so the response
/// can declare its length: a reply written straight into the response went out chunked, with a closing chunk after it.
/// </summary>
internal sealed class SlackReply(SlackMessage message) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var json = Write(message);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = json.Length;
        await response.Body.WriteAsync(json, httpContext.RequestAborted);
    }

    /// <summary>The message as Slack's JSON.</summary>
    public static byte[] Write(SlackMessage message) => JsonSerializer.SerializeToUtf8Bytes(message, SlackJson.Message);
}
