using System.Diagnostics;
using System.Net;
using DrsBot.Drs;
using DrsBot.Watching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace DrsBot.Tests.Drs;

/// <summary>
/// DRS's resilience pipeline, as the app registers it (<see cref="DrsResilience.AddDrsResilience"/>), over a scripted
/// DRS: the parts end-to-end tests (AuthTests: retries, throttling, the breaker; FaultIsolationTests; AbuseTests: one
/// breaker per kind) cannot time: budgets, waits that would outlast them, callers who give up.
/// </summary>
public sealed class DrsResilienceTests : IDisposable
{
    private ServiceProvider? _services;

    [Fact]
    public async Task The_budget_bounds_the_whole_call_retries_and_waits_included()
    {
        var drs = new ScriptedDrs((_, _) => null); // never answers
        var http = Client(drs, new DrsOptions
        {
            InteractiveTimeout = TimeSpan.FromMilliseconds(900),
            InteractiveAttemptTimeout = TimeSpan.FromMilliseconds(300),
        });

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<TimeoutRejectedException>(() => http.SendAsync(Get(DrsCallKind.Interactive)));

        // Attempt 1 (300 ms), wait 100 ms, attempt 2 (300 ms), wait 200 ms: the budget ends the call at 900 ms, when the
        // third attempt is due. Timers decide whether that attempt begins before it is cut (and a busy machine's late
        // timers can leave time for only one): the number of calls is not the point, the end of the call is.
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(850), TimeSpan.FromSeconds(3));
        Assert.InRange(drs.Calls, 1, 3);
        Assert.All(drs.Tokens, t => Assert.True(t.IsCancellationRequested)); // each timed-out attempt was let go
    }

    [Fact]
    public async Task Concurrent_first_calls_all_go_through_while_the_pipelines_are_built()
    {
        // The registry may build a pipeline twice when its first calls race; the losing copy must not break a call.
        for (var run = 0; run < 100; run++)
        {
            var drs = new ScriptedDrs((_, _) => Answer(HttpStatusCode.OK));
            var http = Client(drs, new DrsOptions());
            using var start = new ManualResetEventSlim();
            var calls = Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
            {
                start.Wait();
                using var response = await http.SendAsync(Get(i % 2 == 0 ? DrsCallKind.Interactive : DrsCallKind.Background));
                return response.StatusCode;
            })).ToList();
            start.Set();

            Assert.All(await Task.WhenAll(calls), status => Assert.Equal(HttpStatusCode.OK, status));
            _services?.Dispose();
        }
    }

    [Fact]
    public async Task A_body_that_stalls_is_cut_by_the_attempt_limit_and_asked_again()
    {
        var drs = new ScriptedDrs((n, _) => n == 1 ? Answer(HttpStatusCode.OK, new StallingContent()) : Answer(HttpStatusCode.OK));
        var http = Client(drs, new DrsOptions { BackgroundAttemptTimeout = TimeSpan.FromMilliseconds(300) });

        var clock = Stopwatch.StartNew();
        using var response = await http.SendAsync(Get(DrsCallKind.Background));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, drs.Calls);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"{clock.Elapsed}");
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_budget_is_not_waited_drs_answer_comes_back_now()
    {
        var drs = new ScriptedDrs((_, _) => Answer(HttpStatusCode.TooManyRequests, retryAfter: TimeSpan.FromSeconds(60)));
        var http = Client(drs, new DrsOptions()); // a poll's budget: 30 s

        var clock = Stopwatch.StartNew();
        using var response = await http.SendAsync(Get(DrsCallKind.Background));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(1, drs.Calls);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"{clock.Elapsed}: it waited for a retry it could never make");
    }

    [Fact]
    public async Task A_retry_after_within_the_budget_is_waited_then_the_call_retried()
    {
        var drs = new ScriptedDrs((n, _) => n == 1 ? Answer(HttpStatusCode.ServiceUnavailable, retryAfter: TimeSpan.FromMilliseconds(700)) : Answer(HttpStatusCode.OK));
        var http = Client(drs, new DrsOptions());

        var clock = Stopwatch.StartNew();
        using var response = await http.SendAsync(Get(DrsCallKind.Interactive));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, drs.Calls);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(650), $"{clock.Elapsed}: DRS asked for 700 ms");
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden, 3)]  // the gateway's throttling comes with any status: asked again
    [InlineData(HttpStatusCode.NotFound, 1)]   // but a 404 is an answer, whatever the body says
    public async Task The_gateways_throttling_is_retried_whatever_its_status(HttpStatusCode status, int calls)
    {
        var drs = new ScriptedDrs((_, _) => Answer(status, new StringContent("""{"error_code":"APIG.0308","error_msg":"throttled"}""")));
        var http = Client(drs, new DrsOptions());

        using var response = await http.SendAsync(Get(DrsCallKind.Interactive));

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(calls, drs.Calls);
    }

    [Fact]
    public async Task Only_gets_are_retried()
    {
        var drs = new ScriptedDrs((_, _) => Answer(HttpStatusCode.InternalServerError));
        var http = Client(drs, new DrsOptions());

        using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "http://drs.test/v5/p/jobs"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(1, drs.Calls);
    }

    [Fact]
    public async Task A_caller_who_gives_up_gets_a_cancellation_not_a_timeout_and_drs_is_not_blamed()
    {
        var drs = new ScriptedDrs((_, _) => null);
        var http = Client(drs, new DrsOptions());

        for (var i = 1; i <= 12; i++)
        {
            // The caller leaves once DRS has the request (not after a fixed time, which a busy machine can beat).
            using var gaveUp = new CancellationTokenSource();
            var call = http.SendAsync(Get(DrsCallKind.Background), gaveUp.Token);
            await drs.CallsReachedAsync(i);
            await gaveUp.CancelAsync();
            var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
            Assert.IsNotType<TimeoutRejectedException>(e);
        }

        Assert.Equal(12, drs.Calls); // no retries for a caller who left
        Assert.False(Circuits.IsOpen(DrsCallKind.Background));
    }

    [Fact]
    public async Task An_open_breaker_refuses_at_once_without_calling_drs_and_only_for_its_kind()
    {
        var drs = new ScriptedDrs((_, _) => Answer(HttpStatusCode.BadGateway));
        var http = Client(drs, new DrsOptions());
        for (var i = 0; i < 3; i++) // three attempts each: nine failures
        {
            using var failed = await http.SendAsync(Get(DrsCallKind.Interactive));
            Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        }

        // The tenth failure opens it: that call's own retry is refused.
        await Assert.ThrowsAsync<BrokenCircuitException>(() => http.SendAsync(Get(DrsCallKind.Interactive)));
        Assert.Equal(10, drs.Calls);
        Assert.True(Circuits.IsOpen(DrsCallKind.Interactive));
        await Assert.ThrowsAsync<BrokenCircuitException>(() => http.SendAsync(Get(DrsCallKind.Interactive)));
        Assert.Equal(10, drs.Calls);

        drs.Answer = (_, _) => Answer(HttpStatusCode.OK);
        using var poll = await http.SendAsync(Get(DrsCallKind.Background));
        Assert.Equal(HttpStatusCode.OK, poll.StatusCode);
        Assert.False(Circuits.IsOpen(DrsCallKind.Background));
    }

    [Fact]
    public async Task One_comparison_failing_while_another_is_read_never_opens_the_breaker()
    {
        var drs = new ScriptedDrs((_, subject) => Answer(subject == "job-1/cmp-ok" ? HttpStatusCode.OK : HttpStatusCode.GatewayTimeout));
        var http = Client(drs, new DrsOptions());

        using (await http.SendAsync(Get(DrsCallKind.Interactive, "job-1/cmp-ok")))
        {
        }

        for (var i = 0; i < 8; i++) // 24 attempts, every one failed, all about one comparison
        {
            using var failed = await http.SendAsync(Get(DrsCallKind.Interactive, "job-1/cmp-broken"));
            Assert.Equal(HttpStatusCode.GatewayTimeout, failed.StatusCode);
        }

        Assert.Equal(25, drs.Calls);
        Assert.False(Circuits.IsOpen(DrsCallKind.Interactive));
    }

    [Fact]
    public async Task An_error_drs_answers_with_its_own_code_is_an_answer_not_an_outage()
    {
        var drs = new ScriptedDrs((_, _) => Answer(HttpStatusCode.InternalServerError, new StringContent("""{"error_code":"DRS.10000001","error_msg":"failed"}""")));
        var http = Client(drs, new DrsOptions());

        for (var i = 0; i < 6; i++) // retried like any 5xx, 18 attempts about two comparisons, and still no outage
        {
            using var failed = await http.SendAsync(Get(DrsCallKind.Interactive, $"job-1/cmp-{i % 2}"));
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }

        Assert.Equal(18, drs.Calls);
        Assert.False(Circuits.IsOpen(DrsCallKind.Interactive));
    }

    public void Dispose() => _services?.Dispose();

    private DrsCircuits Circuits => _services!.GetRequiredService<DrsCircuits>();

    private HttpClient Client(ScriptedDrs drs, DrsOptions options)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Options.Create(options));
        services.AddHttpClient("drs", http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => drs)
            .AddDrsResilience();
        _services = services.BuildServiceProvider();
        return _services.GetRequiredService<IHttpClientFactory>().CreateClient("drs");
    }

    private static DrsRequest Get(DrsCallKind kind, string subject = "job-1/cmp-1") =>
        new("http://drs.test/v5/p/jobs/j/compare-progress/c", kind, subject, TimeProvider.System.GetTimestamp(),
            new DrsProfileSet(Options.Create(new DrsOptions { ProjectId = "p" })).Default);

    private static HttpResponseMessage Answer(HttpStatusCode status, HttpContent? content = null, TimeSpan? retryAfter = null)
    {
        var response = new HttpResponseMessage(status) { Content = content ?? new StringContent("{}") };
        if (retryAfter is { } wait)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(wait);
        }

        return response;
    }

    /// <summary>Answers the n-th call (from 1) about a subject as told; null: never answers, until the attempt is cancelled.</summary>
    private sealed class ScriptedDrs(Func<int, string, HttpResponseMessage?> answer) : HttpMessageHandler
    {
        private int _calls;

        public Func<int, string, HttpResponseMessage?> Answer { get; set; } = answer;

        public int Calls => Volatile.Read(ref _calls);

        public async Task CallsReachedAsync(int calls)
        {
            for (var deadline = DateTime.UtcNow.AddSeconds(10); Calls < calls; await Task.Delay(5))
            {
                Assert.True(DateTime.UtcNow < deadline, $"DRS got {Calls} calls, not {calls}");
            }
        }

        public List<CancellationToken> Tokens { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref _calls);
            lock (Tokens)
            {
                Tokens.Add(cancellationToken);
            }

            await Task.Yield();
            return Answer(n, (request as DrsRequest)?.Subject ?? "") ?? await Never(cancellationToken);
        }

        private static async Task<HttpResponseMessage> Never(CancellationToken ct)
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new UnreachableException();
        }
    }

    /// <summary>A body whose first bytes come and then nothing, as from a server that stalled mid-answer.</summary>
    private sealed class StallingContent : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            await SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken ct)
        {
            await stream.WriteAsync("{\"progress\":"u8.ToArray(), ct);
            await Task.Delay(Timeout.Infinite, ct);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
