using System.Buffers;
using Microsoft.Extensions.Options;

namespace DrsBot.Slack;

/// <summary>
/// The verified raw body of a request from Slack, for handlers to parse while the request's endpoint runs: its bytes
/// are lent by a pool and go back (wiped) when the endpoint returns, so nothing may keep them.
/// </summary>
public sealed record SlackRequestBody(ReadOnlyMemory<byte> Bytes);

/// <summary>
/// Runs before any other work on a <c>/slack</c> endpoint, cheapest check first: the declared size, then the
/// signature headers (one of each, fresh, well-formed) before a byte of the body is read, then the body within
/// its cap, then the HMAC over the raw bytes. Anything unsigned, stale or tampered gets a bare 401, and a flood of
/// them cannot flood the log.
/// </summary>
internal sealed class SlackRequestVerification(
    IOptionsMonitor<SlackOptions> options, SlackRefusalLog refusals, TimeProvider time) : IEndpointFilter
{
    private const string TimestampHeader = "X-Slack-Request-Timestamp";
    private const string SignatureHeader = "X-Slack-Signature";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var slack = options.CurrentValue;

        if (http.Request.ContentLength > slack.MaxRequestBytes)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        var timestamps = http.Request.Headers[TimestampHeader];
        var signatures = http.Request.Headers[SignatureHeader];
        if (timestamps.Count > 1 || signatures.Count > 1)
        {
            return Refuse(http, "sent twice");
        }

        var timestamp = timestamps.ToString();
        var signature = signatures.ToString();
        var signed = signatures.Count == 1;
        if (signed && !SlackSignature.HeadersAcceptable(timestamp, signature, time.GetUtcNow()))
        {
            return Refuse(http, "stale or malformed");
        }

        var read = await ReadBoundedAsync(http.Request, slack.MaxRequestBytes, http.RequestAborted);
        if (read is not var (rented, length))
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        try
        {
            var body = rented.AsMemory(0, length);
            if (!signed)
            {
                // Slack's URL verification probe is the one unsigned request we answer, and it gets nothing but a 200.
                return IsSslCheck(body.Span) ? Results.Ok() : Refuse(http, "missing");
            }

            if (!SlackSignature.IsValid(slack.SigningSecret, timestamp, signature, body.Span, time.GetUtcNow()))
            {
                return Refuse(http, "invalid");
            }

            http.Features.Set(new SlackRequestBody(body));
            return await next(context);
        }
        finally
        {
            http.Features.Set<SlackRequestBody>(null);
            GiveBack(rented);
        }
    }

    private IResult Refuse(HttpContext http, string problem)
    {
        refusals.Add(http.Request.Path, problem);
        return Results.StatusCode(StatusCodes.Status401Unauthorized);
    }

    private static bool IsSslCheck(ReadOnlySpan<byte> body) => SlashCommand.FromForm(body).IsSslCheck;

    // Wiped as it goes back: the body carries the response_url, a credential for its conversation.
    private static void GiveBack(byte[] rented) => ArrayPool<byte>.Shared.Return(rented, clearArray: true);

    /// <summary>
    /// The body in an array from the pool (the caller returns it), or null when it is over <paramref name="limit"/>.
    /// Slack always declares its length (already checked against the limit), so the usual case is one read of exactly
    /// that size; Kestrel ends the body stream at the declared length, and a body cut short fails as a bad request.
    /// </summary>
    private static async Task<(byte[] Rented, int Length)?> ReadBoundedAsync(HttpRequest request, int limit, CancellationToken ct)
    {
        if (request.ContentLength is { } declared)
        {
            var exact = ArrayPool<byte>.Shared.Rent((int)declared);
            try
            {
                await request.Body.ReadExactlyAsync(exact.AsMemory(0, (int)declared), ct);
                return (exact, (int)declared);
            }
            catch (EndOfStreamException)
            {
                GiveBack(exact);
                throw new BadHttpRequestException("The body ended before its declared Content-Length.");
            }
            catch
            {
                GiveBack(exact);
                throw;
            }
        }

        var body = ArrayPool<byte>.Shared.Rent(Math.Min(limit, 8192));
        var length = 0;
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(body.AsMemory(length), ct)) > 0)
            {
                length += read;
                if (length > limit)
                {
                    GiveBack(body);
                    return null;
                }

                if (length == body.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(body.Length * 2);
                    body.AsSpan(0, length).CopyTo(larger);
                    GiveBack(body);
                    body = larger;
                }
            }

            return (body, length);
        }
        catch
        {
            GiveBack(body);
            throw;
        }
    }
}

/// <summary>
/// Refused requests in the log, at most <see cref="PerMinute"/> lines a minute, then one line saying how many more
/// there were: a flood of forged requests must not flood the log. One per process (filters are made per request).
/// </summary>
internal sealed partial class SlackRefusalLog(TimeProvider time, ILogger<SlackRefusalLog> logger)
{
    private const int PerMinute = 10;
    private readonly Lock _gate = new();
    private DateTimeOffset _windowStart = DateTimeOffset.MinValue;
    private int _logged;
    private int _suppressed;

    public void Add(string path, string problem)
    {
        int suppressedBefore;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            suppressedBefore = 0;
            if (now - _windowStart >= TimeSpan.FromMinutes(1))
            {
                suppressedBefore = _suppressed;
                _windowStart = now;
                _logged = 0;
                _suppressed = 0;
            }

            if (_logged >= PerMinute)
            {
                _suppressed++;
                return;
            }

            _logged++;
        }

        if (suppressedBefore > 0)
        {
            LogSuppressed(logger, suppressedBefore);
        }

        LogRejected(logger, path, problem);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a request to {Path}: Slack signature {Problem}")]
    private static partial void LogRejected(ILogger logger, string path, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Count} more requests in the minute before, not logged one by one")]
    private static partial void LogSuppressed(ILogger logger, int count);
}
