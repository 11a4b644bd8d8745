using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace DrsBot.Slack;

/// <summary>
/// Retries for Slack's Web API and for response_url posts, configured here once. A post is not idempotent, so only
/// answers that prove Slack did not take it are retried: 429 (after its Retry-After) and a connection that was
/// never made. A 5xx, or no answer after the request was sent, may have posted: that is the caller's to settle
/// (the outbox looks the message up in the channel before posting it again; a response_url post is not repeated).
/// </summary>
internal static class SlackResilience
{
    /// <summary>One post, its retries and its answer's body; HttpClient.Timeout holds the body to it too.</summary>
    public static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(30);

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline)
    {
        pipeline.AddTimeout(TotalTimeout);
        pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = 3,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(500),
            ShouldRetryAfterHeader = true,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
            {
                { Exception: { } e } => NeverSent(e),
                { Result: { } r } => r.StatusCode == HttpStatusCode.TooManyRequests,
                _ => false,
            }),
        });
        pipeline.AddTimeout(TimeSpan.FromSeconds(10));
    }

    /// <summary>The request never left: no connection was made (refused, no such host).</summary>
    public static bool NeverSent(Exception e) =>
        e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }
        || e is Polly.CircuitBreaker.BrokenCircuitException;
}
