using Microsoft.Extensions.Options;

namespace DrsBot.Slack;

/// <summary>The verified raw body of a request from Slack, for handlers to parse.</summary>
public sealed record SlackRequestBody(byte[] Bytes);

/// <summary>
/// Runs before any other work on a <c>/slack</c> endpoint: bounds the body, checks Slack's signature over the
/// raw bytes, and only then hands the body on. Anything unsigned, stale or tampered gets a bare 401.
/// </summary>
internal sealed partial class SlackRequestVerification(
    IOptionsMonitor<SlackOptions> options, TimeProvider time, ILogger<SlackRequestVerification> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var slack = options.CurrentValue;

        if (http.Request.ContentLength > slack.MaxRequestBytes)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        var body = await ReadBoundedAsync(http.Request.Body, slack.MaxRequestBytes, http.RequestAborted);
        if (body is null)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        var timestamp = http.Request.Headers["X-Slack-Request-Timestamp"].ToString();
        var signature = http.Request.Headers["X-Slack-Signature"].ToString();

        if (!SlackSignature.IsValid(slack.SigningSecret, timestamp, signature, body, time.GetUtcNow()))
        {
            // Slack's URL verification probe is the one unsigned request we answer, and it gets nothing but a 200.
            if (string.IsNullOrEmpty(signature) && IsSslCheck(body))
            {
                return Results.Ok();
            }

            LogRejected(logger, http.Request.Path, string.IsNullOrEmpty(signature) ? "missing" : "invalid or stale");
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        http.Features.Set(new SlackRequestBody(body));
        return await next(context);
    }

    private static bool IsSslCheck(byte[] body) => SlashCommand.FromForm(body).IsSslCheck;

    private static async Task<byte[]?> ReadBoundedAsync(Stream stream, int limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a request to {Path}: Slack signature {Problem}")]
    private static partial void LogRejected(ILogger logger, string path, string problem);
}
