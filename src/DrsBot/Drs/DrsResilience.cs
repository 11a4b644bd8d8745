using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace DrsBot.Drs;

/// <summary>
/// Retries, timeouts and a circuit breaker for DRS calls. Interactive calls (a person waiting in Slack) get short
/// attempts and few, quick retries; background polls get patience. Only GETs are retried: they change nothing.
/// </summary>
internal static class DrsResilience
{
    /// <summary>Stands in for a body that was over <see cref="DrsClient.MaxBodyBytes"/>: reading it fails as HttpClient would.</summary>
    private sealed class OversizedContent : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            throw new HttpRequestException(HttpRequestError.ConfigurationLimitExceeded, $"The answer was larger than {DrsClient.MaxBodyBytes} bytes.");

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, DrsOptions options)
    {
        pipeline.AddTimeout(new HttpTimeoutStrategyOptions
        {
            Name = "drs-total",
            TimeoutGenerator = args => ValueTask.FromResult(
                Kind(args.Context) == DrsCallKind.Interactive ? options.InteractiveTimeout : options.BackgroundTimeout),
        });

        pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            Name = "drs-retry",
            MaxRetryAttempts = 3,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(200),
            MaxDelay = TimeSpan.FromSeconds(5),
            ShouldHandle = args => Kind(args.Context) == DrsCallKind.Interactive && args.AttemptNumber >= MaxInteractiveRetries
                ? ValueTask.FromResult(false)
                : ShouldRetryAsync(args.Outcome, args.Context),
            DelayGenerator = args => ValueTask.FromResult(Delay(args.Outcome, args.Context, args.AttemptNumber)),
        });

        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            Name = "drs-breaker",
            FailureRatio = 0.8,
            MinimumThroughput = 10,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = TimeSpan.FromSeconds(15),
        });

        pipeline.AddTimeout(new HttpTimeoutStrategyOptions
        {
            Name = "drs-attempt",
            TimeoutGenerator = args => ValueTask.FromResult(
                Kind(args.Context) == DrsCallKind.Interactive ? options.InteractiveAttemptTimeout : options.BackgroundAttemptTimeout),
        });
    }

    /// <summary>A person is waiting: two quick retries fit well inside Slack's 3 seconds; polls use the full backoff.</summary>
    private const int MaxInteractiveRetries = 2;

    /// <summary>Retry-After when DRS sends one; otherwise 100 ms, 200 ms for commands and the default backoff for polls.</summary>
    private static TimeSpan? Delay(Outcome<HttpResponseMessage> outcome, ResilienceContext context, int attempt)
    {
        if (outcome.Result?.Headers.RetryAfter is { } retryAfter)
        {
            var wait = retryAfter.Delta ?? (retryAfter.Date - DateTimeOffset.UtcNow);
            if (wait is { } w)
            {
                return w < TimeSpan.Zero ? TimeSpan.Zero : w;
            }
        }

        return Kind(context) == DrsCallKind.Interactive ? TimeSpan.FromMilliseconds(100 << attempt) : null;
    }

    private static DrsCallKind Kind(ResilienceContext context) =>
        context.GetRequestMessage() is { } request ? Kind(request) : DrsCallKind.Background;

    public static DrsCallKind Kind(HttpRequestMessage request) =>
        request.Options.TryGetValue(DrsClient.CallKindOption, out var kind) ? kind : DrsCallKind.Background;

    private static async ValueTask<bool> ShouldRetryAsync(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
    {
        if (context.GetRequestMessage()?.Method != HttpMethod.Get)
        {
            return false;
        }

        if (outcome.Exception is not null)
        {
            return HttpClientResiliencePredicates.IsTransient(outcome);
        }

        var response = outcome.Result!;
        var status = (int)response.StatusCode;
        if (status is >= 500 or 408 or 429)
        {
            return true;
        }

        // The API gateway may answer throttling (APIG.0308) with a 4xx other than 429.
        if (status is >= 400 and < 500 && response.StatusCode != HttpStatusCode.NotFound)
        {
            try
            {
                await response.Content.LoadIntoBufferAsync(DrsClient.MaxBodyBytes, context.CancellationToken);
            }
            catch (HttpRequestException)
            {
                // Far too large for a gateway error: not throttling. The half-read body cannot be read again, so the
                // caller gets the same "over the limit" failure HttpClient itself reports for a large 200.
                response.Content.Dispose();
                response.Content = new OversizedContent();
                return false;
            }

            var body = await response.Content.ReadAsStringAsync(context.CancellationToken);
            return body.Contains("APIG.0308", StringComparison.Ordinal) || body.Contains("APIGW.0308", StringComparison.Ordinal);
        }

        return false;
    }
}
