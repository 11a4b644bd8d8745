using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace DrsBot.Slack;

/// <summary>
/// Retries for chat.postMessage. A post is not idempotent, so only answers that prove Slack did not take the
/// message are retried here: 429 (after its Retry-After), 5xx and failed connections. A timed-out post may have
/// landed; it is left to the outbox, which retries on the next poll.
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
                { Exception: HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } } => true,
                { Result: { } r } => r.StatusCode == HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500,
                _ => false,
            }),
        });
        pipeline.AddTimeout(TimeSpan.FromSeconds(10));
    }
}
