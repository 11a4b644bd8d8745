using System.Net;
using DrsBot.Watching;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace DrsBot.Drs;

/// <summary>
/// Retries, timeouts and a circuit breaker for DRS calls, on Microsoft.Extensions.Http.Resilience. One pipeline for
/// commands, where a person waits (short attempts, two quick retries), and one for polls (patience), picked by the
/// request's <see cref="DrsCallKind"/>. Each is, outside in:
/// <list type="number">
/// <item>the call's budget, retries and waits included (<c>Drs:InteractiveTimeout</c>, <c>Drs:BackgroundTimeout</c>);</item>
/// <item>retries of GETs: 5xx, 408, 429, the gateway's throttling (<c>APIG.0308</c> with a 4xx other than 404), failed
/// connections and attempts that timed out; after DRS's Retry-After, else 100 and 200 ms for a person or a jittered
/// backoff from 200 ms to 5 s for a poll. A Retry-After that would outlast the budget is not waited: the caller gets
/// DRS's answer now, which says more than a timeout would;</item>
/// <item>the circuit breaker of the profile and kind (<see cref="DrsCircuits"/>): a burst of commands can open the
/// interactive one, never the one polls go through, and one profile's outage never opens another's;</item>
/// <item>one attempt's limit (<c>Drs:InteractiveAttemptTimeout</c>, <c>Drs:BackgroundAttemptTimeout</c>), which holds the
/// body too (<see cref="DrsAnswerBuffer"/>).</item>
/// </list>
/// </summary>
internal static class DrsResilience
{
    public const string PipelineName = "drs";

    private const string Interactive = "interactive", Background = "background";

    /// <summary>The kind's name in pipeline instances, breaker logs, gauges' <c>call</c> label and DRS call metrics.</summary>
    public static string NameOf(DrsCallKind kind) => kind == DrsCallKind.Interactive ? Interactive : Background;

    /// <summary>The resilience handler, then the body buffer inside it, so every attempt reads its whole answer in its own time.</summary>
    public static IHttpClientBuilder AddDrsResilience(this IHttpClientBuilder client)
    {
        client.Services.TryAddSingleton<DrsCircuits>();
        client.Services.TryAddTransient<DrsAnswerBuffer>();
        client.AddResilienceHandler(PipelineName, Configure)
            .SelectPipelineBy(_ => request => InstanceOf(DrsRequest.ProfileNameOf(request), KindOf(request)));
        client.AddHttpMessageHandler<DrsAnswerBuffer>();
        return client;
    }

    /// <summary>
    /// IAM's token request (Password mode), which a DRS call waits on: a passing failure (5xx, 408, 429 after its
    /// Retry-After, a failed connection, an attempt past 3 s) is tried twice more, quickly. A refused password (another
    /// 4xx) is not: <see cref="Auth.IamTokenProvider"/> backs off from it so IAM's lockout policy never locks the
    /// account. No circuit breaker, for the same reason, and because every profile logs in through this one client: one
    /// region's IAM outage must not stop another's logins. HttpClient's 10 s stays the limit of the whole call, body too.
    /// </summary>
    public static IHttpClientBuilder AddIamResilience(this IHttpClientBuilder client)
    {
        client.AddResilienceHandler("iam", pipeline => pipeline
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = 2,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(100),
                UseJitter = true,
            })
            .AddTimeout(TimeSpan.FromSeconds(3)));
        return client;
    }

    public static DrsCallKind KindOf(HttpRequestMessage? request) =>
        request is DrsRequest drs ? drs.Kind : DrsCallKind.Background;

    // One pipeline instance per profile and kind, named "<profile>/<kind>"; '/' cannot occur in a profile name.
    private static string InstanceOf(string profile, DrsCallKind kind) =>
        string.Concat(profile, "/", NameOf(kind));

    private static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ResilienceHandlerContext context)
    {
        var profile = context.InstanceName[..context.InstanceName.LastIndexOf('/')];
        var kind = context.InstanceName.EndsWith("/" + Interactive, StringComparison.Ordinal) ? DrsCallKind.Interactive : DrsCallKind.Background;
        var options = context.ServiceProvider.GetRequiredService<IOptions<DrsOptions>>().Value;
        var time = context.ServiceProvider.GetRequiredService<TimeProvider>();
        var circuit = context.ServiceProvider.GetRequiredService<DrsCircuits>().For(profile, kind);
        var interactive = kind == DrsCallKind.Interactive;
        var budget = interactive ? options.InteractiveTimeout : options.BackgroundTimeout;

        pipeline.AddTimeout(budget);
        var retry = new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = interactive ? 2 : 3,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(interactive ? 100 : 200),
            UseJitter = !interactive, // polls that failed together do not retry together
            MaxDelay = TimeSpan.FromSeconds(5),
            ShouldRetryAfterHeader = false, // read below, so that a wait past the budget is never begun
            DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, time)),
            ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context, budget, time)),
        };
        retry.DisableForUnsafeHttpMethods(); // GETs only: they change nothing
        pipeline.AddRetry(retry);
        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = DrsCircuits.FailureRatio,
            MinimumThroughput = DrsCircuits.MinimumThroughput,
            SamplingDuration = DrsCircuits.SamplingDuration,
            BreakDuration = DrsCircuits.BreakDuration,
            ShouldHandle = args => ValueTask.FromResult(circuit.Counts(args.Outcome, args.Context)),
            OnOpened = args => circuit.Opened(args.BreakDuration),
            OnClosed = _ => circuit.Closed(),
        });
        pipeline.AddTimeout(interactive ? options.InteractiveAttemptTimeout : options.BackgroundAttemptTimeout);
    }

    /// <summary>
    /// What DRS as a whole failing looks like: no connection, an attempt that timed out, the gateway's 502/503/504,
    /// 408, or throttling (429 or APIG.0308, whatever its status). A 500 or another error DRS answers with its own code
    /// is about what was asked: DRS answered. Null: the outcome says nothing about DRS (the caller gave up).
    /// </summary>
    public static bool? IsDrsFailure(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException { HttpRequestError: HttpRequestError.ConfigurationLimitExceeded } } => false, // it answered, at length
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Exception: not null } => null,
        { Result: { } response } => DrsAnswerBuffer.IsThrottled(response) || response.StatusCode is HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests,
        _ => null,
    };

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context, TimeSpan budget, TimeProvider time) => outcome switch
    {
        { Exception: HttpRequestException { HttpRequestError: HttpRequestError.ConfigurationLimitExceeded } } => false, // asking again gets the same
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => (IsFailure(response) || IsThrottledRefusal(response))
                                    && !(RetryAfter(response, time) >= budget - Elapsed(context, time)),
        _ => false,
    };

    /// <summary>5xx, 408 and 429: DRS or its gateway failed this attempt.</summary>
    private static bool IsFailure(HttpResponseMessage response) =>
        (int)response.StatusCode >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    /// <summary>The gateway's throttling with a 4xx other than 429 (retried above) or 404 (there is nothing to wait for).</summary>
    private static bool IsThrottledRefusal(HttpResponseMessage response) =>
        DrsAnswerBuffer.IsThrottled(response) && (int)response.StatusCode is >= 400 and < 500 && response.StatusCode != HttpStatusCode.NotFound;

    private static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider time) =>
        response?.Headers.RetryAfter is { } retryAfter && (retryAfter.Delta ?? retryAfter.Date - time.GetUtcNow()) is { } wait
            ? (wait < TimeSpan.Zero ? TimeSpan.Zero : wait)
            : null;

    private static TimeSpan Elapsed(ResilienceContext context, TimeProvider time) =>
        context.GetRequestMessage() is DrsRequest drs ? time.GetElapsedTime(drs.Started) : TimeSpan.Zero;
}

/// <summary>
/// Reads DRS's answer into memory within the attempt, so the attempt's timeout holds the body too: HttpClient would read
/// it after every handler had returned, where no timeout reaches, and a DRS that stalled mid-body held the call for
/// good. At most <see cref="DrsClient.MaxBodyBytes"/>. It also notes, once per answer, whether an error is the gateway's
/// throttling, for the retry and the breaker to read, and tells the DRS call budget, which slows the polls down.
/// </summary>
internal sealed class DrsAnswerBuffer(DrsCallBudgets? budgets = null) : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<bool> Throttled = new("DrsBot.Throttled");

    public static bool IsThrottled(HttpResponseMessage response) =>
        (int)response.StatusCode >= 400 && response.RequestMessage is { } request && request.Options.TryGetValue(Throttled, out var throttled) && throttled;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var response = await base.SendAsync(request, ct).ConfigureAwait(false);
        response.RequestMessage ??= request;
        try
        {
            await response.Content.LoadIntoBufferAsync(DrsClient.MaxBodyBytes, ct).ConfigureAwait(false);
            if ((int)response.StatusCode >= 400)
            {
                // The gateway's throttling can come with any 4xx or 5xx; the mark is set afresh on every attempt.
                var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                var throttled = body.Contains("APIG.0308", StringComparison.Ordinal) || body.Contains("APIGW.0308", StringComparison.Ordinal);
                request.Options.Set(Throttled, throttled);
                if (throttled || response.StatusCode == System.Net.HttpStatusCode.TooManyRequests)
                {
                    budgets?.For(DrsRequest.ProfileNameOf(request)).Throttled(); // every attempt: a retry that then succeeds was still throttled once
                }
            }

            return response;
        }
        catch
        {
            response.Dispose(); // a body that broke off, stalled or was too large
            throw;
        }
    }
}
