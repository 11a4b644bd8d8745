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
            ShouldRetryAfterHeader = true,
            ShouldHandle = args => ShouldRetryAsync(args.Outcome, args.Context),
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

    private static DrsCallKind Kind(ResilienceContext context) =>
        context.GetRequestMessage()?.Options.TryGetValue(DrsClient.CallKindOption, out var kind) == true
            ? kind
            : DrsCallKind.Background;

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
            await response.Content.LoadIntoBufferAsync(context.CancellationToken);
            var body = await response.Content.ReadAsStringAsync(context.CancellationToken);
            return body.Contains("APIG.0308", StringComparison.Ordinal) || body.Contains("APIGW.0308", StringComparison.Ordinal);
        }

        return false;
    }
}
