using System.Diagnostics;
using System.Net;
using DrsBot.Drs;
using DrsBot.Watching;
using Microsoft.Extensions.DependencyInjection;

namespace DrsBot.Benchmarks;

internal static class Scenarios
{
    /// <summary>Signed /drs-progress through the whole pipeline, DRS (the simulator) answering over HTTP.</summary>
    public static async Task ProgressAsync()
    {
        await using var bot = new BotHost();
        var result = await Load.RunAsync(4000, 16, async http =>
        {
            using var response = await http.SendAsync(BotHost.Command(bot.BaseUrl, "demo-job full-cmp"));
            var body = await response.Content.ReadAsStringAsync();
            return response.StatusCode == HttpStatusCode.OK && body.Contains("Comparison full-cmp", StringComparison.Ordinal);
        });
        Report("progress: signed command → DRS simulator → Block Kit reply (16 concurrent)", result);
    }

    /// <summary>Forged requests: the cost of saying 401 before doing any work.</summary>
    public static async Task RefusedAsync()
    {
        await using var bot = new BotHost();
        var result = await Load.RunAsync(10000, 16, async http =>
        {
            using var response = await http.SendAsync(BotHost.Command(bot.BaseUrl, "demo-job full-cmp", sign: false));
            return response.StatusCode == HttpStatusCode.Unauthorized;
        });
        Report("refused: bad signature → 401 (16 concurrent)", result);
    }

    /// <summary>DRS unreachable (nothing listens on its port): every reply must still come well inside 3 s.</summary>
    public static async Task FaultAsync()
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

        var result = await Load.RunAsync(400, 8, async http =>
        {
            using var response = await http.SendAsync(BotHost.Command(bot.BaseUrl, "demo-job full-cmp"));
            var body = await response.Content.ReadAsStringAsync();
            return body.Contains("could not be reached", StringComparison.Ordinal);
        });
        Report("fault: DRS down → explained reply (8 concurrent; retries, then the circuit breaker)", result);
    }

    /// <summary>One poll cycle over many watched comparisons, each watched by two channels.</summary>
    public static async Task PollAsync()
    {
        const int comparisons = 500;
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
            Console.WriteLine($"poll: one cycle over {comparisons} comparisons with {parallelism} worker(s): {elapsed.TotalSeconds:0.00} s " +
                              $"({comparisons / elapsed.TotalSeconds:0} polls/s) · per poll p50 {latencies[comparisons / 2]:0.0} ms · p99 {latencies[(int)(comparisons * 0.99)]:0.0} ms");
        }

        Console.WriteLine($"poll: process working set {Process.GetCurrentProcess().WorkingSet64 / 1024 / 1024} MiB");
    }

    private static void Report(string name, Load.Result result)
    {
        Console.WriteLine($"{name}: {result}");
        Console.WriteLine($"  process working set {Process.GetCurrentProcess().WorkingSet64 / 1024 / 1024} MiB");
    }
}
