using System.Net;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Options;

namespace DrsBot.Drs;

/// <summary>
/// Retries, timeouts and a circuit breaker for DRS calls. Interactive calls (a person waiting in Slack) get short
/// attempts and few, quick retries; background polls get patience. Only GETs are retried: they change nothing.
/// <list type="bullet">
/// <item>A budget for the whole call, retries and waits included (<c>Drs:InteractiveTimeout</c>, <c>Drs:BackgroundTimeout</c>),
/// and one per attempt (<c>Drs:InteractiveAttemptTimeout</c>, <c>Drs:BackgroundAttemptTimeout</c>).</item>
/// <item>Retried: 5xx, 408, 429, the API gateway's throttling (<c>APIG.0308</c>, whatever its status), failed
/// connections and attempts that timed out. After DRS's Retry-After when it sends one, else 100 and 200 ms for a
/// person, or a jittered backoff from 200 ms to 5 s for a poll. A wait that would outlast the budget is not waited:
/// the caller gets DRS's last answer now, which says more than a timeout would.</item>
/// <item>One <see cref="DrsCircuitBreaker"/> per call kind sees every attempt.</item>
/// </list>
/// <para>
/// One async method per call. Polly's four strategies (through Microsoft.Extensions.Http.Resilience) did the same as
/// four nested async layers, each allocating its state on every call that waits on a socket: 3 KiB and about 17 µs a
/// command (README, Performance).
/// </para>
/// </summary>
internal sealed class DrsResilienceHandler(IOptions<DrsOptions> options, DrsCircuitBreakers breakers, TimeProvider time) : DelegatingHandler
{
    /// <summary>A person is waiting: two quick retries fit well inside Slack's 3 seconds; polls use the full backoff.</summary>
    private const int MaxInteractiveRetries = 2;

    private const int MaxBackgroundRetries = 3;
    private static readonly TimeSpan BackoffBase = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    public static DrsCallKind Kind(HttpRequestMessage request) =>
        request is DrsRequest drs ? drs.Kind : DrsCallKind.Background;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var kind = Kind(request);
        var interactive = kind == DrsCallKind.Interactive;
        var settings = options.Value;
        var budget = interactive ? settings.InteractiveTimeout : settings.BackgroundTimeout;
        var attemptLimit = interactive ? settings.InteractiveAttemptTimeout : settings.BackgroundAttemptTimeout;
        var maxRetries = request.Method != HttpMethod.Get ? 0 : interactive ? MaxInteractiveRetries : MaxBackgroundRetries;
        var breaker = breakers.For(kind);
        var started = time.GetTimestamp();

        for (var retry = 0; ; retry++)
        {
            // A wait is only begun with time left after it, but a timer can fire late on a busy machine.
            var left = budget - time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException(OverBudget(budget));
            }

            if (!breaker.TryEnter(out var trial))
            {
                throw new DrsPausedException();
            }

            var limit = left < attemptLimit ? left : attemptLimit;
            HttpResponseMessage? response = null;
            Exception? error = null;
            var outcome = CallOutcome.Ignored;
            var throttled = false;
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
                using var timer = time.CreateTimer(static cts => ((CancellationTokenSource)cts!).Cancel(), attempt, limit, Timeout.InfiniteTimeSpan);
                try
                {
                    response = await base.SendAsync(request, attempt.Token).ConfigureAwait(false);
                    // The body too, within this attempt's time. HttpClient would read it after every handler has
                    // returned, where no timeout reaches: a DRS that stalled mid-body held the call for good.
                    await response.Content.LoadIntoBufferAsync(DrsClient.MaxBodyBytes, attempt.Token).ConfigureAwait(false);
                    // Read once for both the breaker and the retry: the gateway's throttling can come with any 4xx or 5xx.
                    throttled = (int)response.StatusCode >= 400 && await IsThrottlingAsync(response, attempt.Token).ConfigureAwait(false);
                    outcome = IsDrsFailure(response, throttled) ? CallOutcome.Failure : CallOutcome.Success;
                }
                catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
                {
                    // Larger than any answer DrsBot asks for: DRS did answer, and asking again gets the same.
                    response?.Dispose();
                    outcome = CallOutcome.Success;
                    throw;
                }
                catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
                {
                    response?.Dispose();
                    response = null;
                    error = new TimeoutException(limit < attemptLimit ? OverBudget(budget) : $"A DRS attempt took longer than {attemptLimit.TotalSeconds:0.#} s.", e);
                    outcome = CallOutcome.Failure;
                }
                catch (HttpRequestException e)
                {
                    response?.Dispose(); // a body that broke off
                    response = null;
                    error = e;
                    outcome = CallOutcome.Failure;
                }
            }
            finally
            {
                breaker.Report(outcome, trial, Subject(request)); // also when the caller gave up, so a trial call never stays out
            }

            var retryable = retry < maxRetries && (error is not null || ShouldRetry(response!, throttled));
            var wait = retryable ? Delay(response, interactive, retry) : TimeSpan.Zero;
            if (!retryable || wait >= budget - time.GetElapsedTime(started))
            {
                if (error is not null)
                {
                    ExceptionDispatchInfo.Throw(error);
                }

                return response!;
            }

            response?.Dispose();
            await Task.Delay(wait, time, ct).ConfigureAwait(false);
        }
    }

    private static string OverBudget(TimeSpan budget) => $"The DRS call took longer than its {budget.TotalSeconds:0.#} s budget.";

    private static string Subject(HttpRequestMessage request) => request is DrsRequest drs ? drs.Subject : "";

    /// <summary>The statuses that are always retried: DRS or its gateway failed this attempt.</summary>
    private static bool IsFailure(HttpResponseMessage response) =>
        (int)response.StatusCode >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    /// <summary>
    /// What the breaker counts against DRS as a whole: the gateway's 502/503/504, 408, and throttling (429 or
    /// APIG.0308, whatever its status). A 500 or another error DRS answers with its own code is about what was asked,
    /// so it counts as DRS answering: one broken comparison must never open the breaker for every other one.
    /// </summary>
    private static bool IsDrsFailure(HttpResponseMessage response, bool throttled) =>
        throttled || response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
            or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    private static async ValueTask<bool> IsThrottlingAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        return body.Contains("APIG.0308", StringComparison.Ordinal) || body.Contains("APIGW.0308", StringComparison.Ordinal);
    }

    /// <summary>Retry-After when DRS sends one; otherwise 100 ms, 200 ms for commands and the jittered backoff for polls.</summary>
    private TimeSpan Delay(HttpResponseMessage? response, bool interactive, int retry)
    {
        if (response?.Headers.RetryAfter is { } retryAfter && (retryAfter.Delta ?? retryAfter.Date - time.GetUtcNow()) is { } wait)
        {
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        if (interactive)
        {
            return TimeSpan.FromMilliseconds(100 << retry);
        }

        // Between half and one and a half of the doubling step, so polls that failed together do not retry together.
        var backoff = BackoffBase * Math.Pow(2, retry) * (0.5 + Random.Shared.NextDouble());
        return backoff < MaxBackoff ? backoff : MaxBackoff;
    }

    /// <summary>5xx, 408 and 429, and the API gateway's throttling (APIG.0308) with a 4xx other than 429 or 404.</summary>
    private static bool ShouldRetry(HttpResponseMessage response, bool throttled) =>
        IsFailure(response) || (throttled && (int)response.StatusCode is >= 400 and < 500 && response.StatusCode != HttpStatusCode.NotFound);
}

/// <summary>The breaker for this kind of call is open: DrsBot is not calling DRS for a few seconds.</summary>
internal sealed class DrsPausedException() : Exception("DrsBot has paused calls to DRS after repeated failures.");
