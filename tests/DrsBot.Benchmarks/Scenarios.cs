using System.Diagnostics;
using System.Net;
using DrsBot.Drs;
using DrsBot.Watching;
using Microsoft.Extensions.DependencyInjection;

namespace DrsBot.Benchmarks;

/// <summary>DrsBot in this process (its test host on a loopback port), its answers timed: <c>latency --help</c>.</summary>
internal static class Scenarios
{
    public static async Task RunAsync(IReadOnlyList<string> scenarios, bool smoke, Report report)
    {
        // A smoke run sends a tenth of the commands: enough to prove each scenario still answers.
        var share = smoke ? 10 : 1;
        var rows = new List<string[]>();
        foreach (var scenario in scenarios)
        {
            await (scenario switch
            {
                "progress" => ProgressAsync(share, rows),
                "refused" => RefusedAsync(share, rows),
                "fault" => FaultAsync(share, rows),
                "poll" => PollAsync(share, rows),
                _ => throw new ArgumentOutOfRangeException(nameof(scenarios), scenario, "no such scenario"),
            });
        }

        report.Table(["scenario", "requests", "unexpected", "per second", "p50 ms", "p99 ms", "limit"], rows);
        report.Note("The in-process host shares this process with the load it answers, so these figures are for comparing runs of this " +
                    "benchmark, not for capacity: `versus` measures that.");
    }

    /// <summary>Signed /drs-progress through the whole pipeline, DRS (the simulator) answering over HTTP.</summary>
    private static async Task ProgressAsync(int share, List<string[]> rows)
    {
        await using var bot = new BotHost();
        var result = await Load.RunAsync(4000 / share, 16, async http =>
        {
            using var response = await http.SendAsync(BotHost.Command(bot.BaseUrl, "demo-job full-cmp"));
            var body = await response.Content.ReadAsStringAsync();
            return response.StatusCode == HttpStatusCode.OK && body.Contains("Comparison full-cmp", StringComparison.Ordinal);
        });
        Record("progress: signed command → DRS simulator → Block Kit reply (16 concurrent)", result, rows, "p99 < 3,000 ms (Slack)");
    }

    /// <summary>Forged requests: the cost of saying 401 before doing any work.</summary>
    private static async Task RefusedAsync(int share, List<string[]> rows)
    {
        await using var bot = new BotHost();
        var result = await Load.RunAsync(10000 / share, 16, async http =>
        {
            using var response = await http.SendAsync(BotHost.Command(bot.BaseUrl, "demo-job full-cmp", sign: false));
            return response.StatusCode == HttpStatusCode.Unauthorized;
        });
        Record("refused: bad signature → 401 (16 concurrent)", result, rows, "none");
    }

    /// <summary>DRS unreachable (nothing listens on its port): every reply must still come well inside 3 s.</summary>
    private static async Task FaultAsync(int share, List<string[]> rows)
    {
        await using var bot = new BotHost(new() { ["Drs:Endpoint"] = "http://127.0.0.1:9/", ["Drs:ProjectId"] = "p", ["Drs:Auth:Token"] = "t" });
        using (var http = new HttpClient())
        {
            // Before the breaker opens every command pays for its retries (100 + 200 ms): the slow case.
            var first = new List<double>();
            for (var i = 0; i < 3; i++)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(BotHost.Command(bot.BaseUrl, "demo-job full-cmp"));
                first.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            Console.WriteLine($"fault: first commands with DRS down, breaker still closed: {string.Join(" ms, ", first.Select(f => f.ToString("0", System.Globalization.CultureInfo.InvariantCulture)))} ms");
        }

        var result = await Load.RunAsync(400 / share, 8, async http =>
        {
            using var response = await http.SendAsync(BotHost.Command(bot.BaseUrl, "demo-job full-cmp"));
            var body = await response.Content.ReadAsStringAsync();
            return body.Contains("could not be reached", StringComparison.Ordinal);
        });
        Record("fault: DRS down → explained reply (8 concurrent; retries, then the circuit breaker)", result, rows, "p99 < 3,000 ms (Slack)");
    }

    /// <summary>One poll cycle over many watched comparisons, each watched by two channels.</summary>
    private static async Task PollAsync(int share, List<string[]> rows)
    {
        var comparisons = 500 / share;
        const int channelsEach = 2;
        // Above the per-channel and per-team caps, which would otherwise stop the subscriptions at 50 a channel.
        await using var bot = new BotHost(new Dictionary<string, string>
        {
            ["Watch:MaxSubscriptionsPerChannel"] = $"{comparisons}",
            ["Watch:MaxSubscriptionsPerTeam"] = $"{comparisons * channelsEach}",
        });
        var store = bot.Services.GetRequiredService<IWatchStore>();

        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        using (var http = new HttpClient())
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, comparisons * channelsEach), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            {
                using var response = await http.SendAsync(BotHost.Command(bot.BaseUrl, $"subscribe demo-job load-{i / channelsEach}", channel: $"C0CH{i % channelsEach}"), ct);
                response.EnsureSuccessStatusCode();
            });
        }

        var subscribeTime = clock.Elapsed;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var watched = (await store.WatchesAsync()).Count;
        if (watched != comparisons)
        {
            // A cycle over fewer comparisons than it says would print a flattering, wrong figure.
            throw new InvalidOperationException($"poll: {watched} of {comparisons} comparisons were watched; the figures would not mean what they say");
        }

        Console.WriteLine($"poll: {comparisons * channelsEach} subscriptions to {comparisons} comparisons made in {subscribeTime.TotalSeconds:0.0} s; " +
                          $"{watched} watched comparisons; ≈{(after - before) / (double)(comparisons * channelsEach) / 1024:0.0} KiB retained per subscription");

        foreach (var parallelism in new[] { 1, 4, 10 })
        {
            var latencies = new double[comparisons];
            clock.Restart();
            await Parallel.ForEachAsync(Enumerable.Range(0, comparisons), new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (i, ct) =>
            {
                var started = Stopwatch.GetTimestamp();
                await bot.Services.GetRequiredService<PollDispatcher>().PollNowAsync(new ComparisonRef("demo-job", $"load-{i}"));
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            });
            var elapsed = clock.Elapsed;
            Array.Sort(latencies);
            var (p50, p99) = (latencies[comparisons / 2], latencies[(int)(comparisons * 0.99)]);
            Console.WriteLine($"poll: one cycle over {comparisons} comparisons with {parallelism} worker(s): {elapsed.TotalSeconds:0.00} s " +
                              $"({comparisons / elapsed.TotalSeconds:0} polls/s) · per poll p50 {p50:0.0} ms · p99 {p99:0.0} ms");
            rows.Add([$"poll: one cycle over {comparisons} comparisons, {parallelism} worker(s)", Report.N(comparisons), "0", Report.N(comparisons / elapsed.TotalSeconds),
                Report.N(p50, "0.0"), Report.N(p99, "0.0"), "none"]);
        }

        Console.WriteLine($"poll: process working set {Process.GetCurrentProcess().WorkingSet64 / 1024 / 1024} MiB");
    }

    private static void Record(string name, Load.Result result, List<string[]> rows, string limit)
    {
        rows.Add([name, Report.N(result.Requests), Report.N(result.Failures), Report.N(result.Throughput),
            Report.N(result.Percentile(50), "0.0"), Report.N(result.Percentile(99), "0.0"), limit]);
        Console.WriteLine($"{name}: {result}");
        Console.WriteLine($"  process working set {Process.GetCurrentProcess().WorkingSet64 / 1024 / 1024} MiB");
    }
}
