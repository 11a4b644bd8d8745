using System.Diagnostics;
using System.Net;
using DrsBot.Drs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DrsBot.Tests.Drs;

/// <summary>
/// The parts of DRS's resilience the end-to-end tests (AuthTests: retries, throttling, the breaker; AbuseTests: one
/// breaker per call kind) cannot time: budgets, waits that would outlast them, and callers who give up.
/// </summary>
public sealed class DrsResilienceHandlerTests
{
    private readonly DrsCircuitBreakers _breakers = new(TimeProvider.System, NullLogger<DrsCircuitBreaker>.Instance);

    [Fact]
    public async Task The_budget_bounds_the_whole_call_retries_and_waits_included()
    {
        var drs = new ScriptedDrs(_ => null); // never answers
        using var invoker = Invoker(drs, new DrsOptions
        {
            InteractiveTimeout = TimeSpan.FromMilliseconds(600),
            InteractiveAttemptTimeout = TimeSpan.FromMilliseconds(200),
        });

        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<TimeoutException>(() => invoker.SendAsync(Get(DrsCallKind.Interactive), CancellationToken.None));

        // Attempt 1 (200 ms), wait 100 ms, attempt 2 (200 ms); a 200 ms wait would then end past 600 ms: no third.
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(3));
        Assert.InRange(drs.Calls, 1, 2);
        Assert.All(drs.Tokens, t => Assert.True(t.IsCancellationRequested)); // each timed-out attempt was let go
        Assert.Contains("DRS attempt took longer than 0.2 s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_budget_is_not_waited_drs_answer_comes_back_now()
    {
        var drs = new ScriptedDrs(_ => Answer(HttpStatusCode.TooManyRequests, retryAfter: TimeSpan.FromSeconds(60)));
        using var invoker = Invoker(drs, new DrsOptions()); // a poll's budget: 30 s

        var clock = Stopwatch.StartNew();
        using var response = await invoker.SendAsync(Get(DrsCallKind.Background), CancellationToken.None);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(1, drs.Calls);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"{clock.Elapsed}: it waited for a retry it could never make");
    }

    [Fact]
    public async Task A_retry_after_within_the_budget_is_waited_then_the_call_retried()
    {
        var drs = new ScriptedDrs(n => n == 1 ? Answer(HttpStatusCode.ServiceUnavailable, retryAfter: TimeSpan.FromMilliseconds(700)) : Answer(HttpStatusCode.OK));
        using var invoker = Invoker(drs, new DrsOptions());

        var clock = Stopwatch.StartNew();
        using var response = await invoker.SendAsync(Get(DrsCallKind.Interactive), CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, drs.Calls);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(650), $"{clock.Elapsed}: DRS asked for 700 ms");
    }

    [Fact]
    public async Task Only_gets_are_retried()
    {
        var drs = new ScriptedDrs(_ => Answer(HttpStatusCode.InternalServerError));
        using var invoker = Invoker(drs, new DrsOptions());
        using var post = new HttpRequestMessage(HttpMethod.Post, "http://drs.test/v5/p/jobs");

        using var response = await invoker.SendAsync(post, CancellationToken.None);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(1, drs.Calls);
    }

    [Fact]
    public async Task A_caller_who_gives_up_gets_a_cancellation_not_a_timeout_and_drs_is_not_blamed()
    {
        var drs = new ScriptedDrs(_ => null);
        using var invoker = Invoker(drs, new DrsOptions());

        for (var i = 0; i < 12; i++)
        {
            using var gaveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(20));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => invoker.SendAsync(Get(DrsCallKind.Background), gaveUp.Token));
        }

        Assert.Equal(12, drs.Calls); // no retries for a caller who left
        Assert.False(_breakers.For(DrsCallKind.Background).IsOpen);
    }

    [Fact]
    public async Task An_open_breaker_refuses_at_once_without_calling_drs_and_only_for_its_kind()
    {
        var drs = new ScriptedDrs(_ => Answer(HttpStatusCode.BadGateway));
        using var invoker = Invoker(drs, new DrsOptions());
        for (var i = 0; i < 3; i++) // three attempts each: nine failures
        {
            using var failed = await invoker.SendAsync(Get(DrsCallKind.Interactive), CancellationToken.None);
            Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        }

        // The tenth failure opens it: that call's own retry is refused.
        await Assert.ThrowsAsync<DrsPausedException>(() => invoker.SendAsync(Get(DrsCallKind.Interactive), CancellationToken.None));
        Assert.Equal(10, drs.Calls);
        await Assert.ThrowsAsync<DrsPausedException>(() => invoker.SendAsync(Get(DrsCallKind.Interactive), CancellationToken.None));
        Assert.Equal(10, drs.Calls);

        drs.Answer = _ => Answer(HttpStatusCode.OK);
        using var poll = await invoker.SendAsync(Get(DrsCallKind.Background), CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, poll.StatusCode);
    }

    private HttpMessageInvoker Invoker(ScriptedDrs drs, DrsOptions options) =>
        new(new DrsResilienceHandler(Options.Create(options), _breakers, TimeProvider.System) { InnerHandler = drs });

    private static DrsRequest Get(DrsCallKind kind) => new("http://drs.test/v5/p/jobs/j/compare-progress/c", kind);

    private static HttpResponseMessage Answer(HttpStatusCode status, TimeSpan? retryAfter = null)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent("{}") };
        if (retryAfter is { } wait)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(wait);
        }

        return response;
    }

    /// <summary>Answers the n-th call (from 1) as told; null: never answers, until the attempt is cancelled.</summary>
    private sealed class ScriptedDrs(Func<int, HttpResponseMessage?> answer) : HttpMessageHandler
    {
        private int _calls;

        public Func<int, HttpResponseMessage?> Answer { get; set; } = answer;

        public int Calls => Volatile.Read(ref _calls);

        public List<CancellationToken> Tokens { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref _calls);
            lock (Tokens)
            {
                Tokens.Add(cancellationToken);
            }

            await Task.Yield();
            return Answer(n) ?? await Never(cancellationToken);
        }

        private static async Task<HttpResponseMessage> Never(CancellationToken ct)
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new UnreachableException();
        }
    }
}
