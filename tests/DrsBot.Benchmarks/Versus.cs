using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace DrsBot.Benchmarks;

/// <summary>
/// DrsBot in its own process (Release, Production: resilience, metrics, JSON logs, rate limits set high) against
/// two baselines on the same machine, all answering signed <c>/drs-progress</c> commands backed by the same DRS
/// process; and a third, the pass-through's code inside DrsBot's own host (<see cref="HostedPassThrough"/>), which
/// splits DrsBot's gap into what its host costs and what its command code costs. The load comes from this process: fixed concurrency for a fixed time after a warm-up.
/// LOAD_SECONDS (15) and LOAD_CONCURRENCY (32) change the run (measured after each target's JIT has settled); VERSUS_BOT_ONLY=1 loads DrsBot alone (for profiling); VERSUS_DRS_AUTH=AkSk signs DrsBot's DRS calls with AK/SK instead of a token; VERSUS_BASELINE_GC=workstation runs the baselines with workstation GC instead of DrsBot's server GC.
/// </summary>
internal static class Versus
{
    public static async Task RunAsync()
    {
        var seconds = int.Parse(Environment.GetEnvironmentVariable("LOAD_SECONDS") ?? "15", CultureInfo.InvariantCulture);
        var concurrency = int.Parse(Environment.GetEnvironmentVariable("LOAD_CONCURRENCY") ?? "32", CultureInfo.InvariantCulture);
        Console.WriteLine($"versus: {concurrency} concurrent signed /drs-progress commands for {seconds} s each, once each target's JIT has settled; DRS answers the API page's example; DrsBot's DRS auth: {Child.DrsAuth}");

        await using var drs = await Child.StartServerAsync("drs");
        await using var bare = await Child.StartServerAsync("bare");
        await using var passthrough = await Child.StartServerAsync("passthrough", drs.BaseUrl.ToString());
        Console.WriteLine($"GC: DrsBot server (its runtimeconfig), the baselines {(await passthrough.Runtime("server_gc") == 1 ? "server" : "workstation")} (VERSUS_BASELINE_GC)");

        var botOnly = Environment.GetEnvironmentVariable("VERSUS_BOT_ONLY") == "1";
        var results = new List<(string Name, long PeakMiB, LoadRun Run)>();
        if (!botOnly)
        {
            results.Add(await MeasureAsync("bare ASP.NET Core 200", bare, body => body.Length == 0));
            results.Add(await MeasureAsync("pass-through (verify, GET DRS, return)", passthrough, IsDrsBody));
        }

        // One DrsBot process at a time, DrsBot itself first, right after the baselines, as before the host had a line.
        await using (var bot = await Child.StartBotAsync(drs.BaseUrl))
        {
            results.Add(await MeasureAsync("DrsBot", bot, body => body.Contains("Comparison cmp-", StringComparison.Ordinal)));
        }

        var botRun = results[^1].Run;
        if (!botOnly)
        {
            await using var hosted = await Child.StartBotAsync(drs.BaseUrl, passThroughInside: true);
            results.Insert(2, await MeasureAsync("pass-through inside DrsBot's host", hosted, IsDrsBody));
        }

        Console.WriteLine($"{"target",-42} {"req/s",8} {"p50 ms",8} {"p90 ms",8} {"p99 ms",8} {"errors",7} {"peak RSS",9} {"warm-up",8}");
        foreach (var (name, peak, run) in results)
        {
            Console.WriteLine($"{name,-42} {run.Throughput,8:0} {run.Percentile(50),8:0.00} {run.Percentile(90),8:0.00} {run.Percentile(99),8:0.00} {run.Errors,7} {peak,6} MiB {run.WarmUp.TotalSeconds,6:0} s");
        }

        // Per request, over the measured run: steadier than throughput on a shared machine, and what a target costs.
        Console.WriteLine($"{"per request",-42} {"CPU µs",8} {"KiB",8}");
        foreach (var (name, _, run) in results)
        {
            var requests = Math.Max(1, run.Total);
            Console.WriteLine($"{name,-42} {run.Cpu.TotalMicroseconds / requests,8:0} {run.AllocatedBytes / requests / 1024,8:0.0}");
        }

        // What the runtime did meanwhile: a run that costs more CPU than the last usually shows why here.
        Console.WriteLine($"{"runtime during the run",-42} {"GCs/1k",8} {"pause %",8} {"locks/1k",8} {"threads",8}");
        foreach (var (name, _, run) in results)
        {
            var perThousand = 1000.0 / Math.Max(1, run.Total);
            Console.WriteLine($"{name,-42} {run.Runtime.Collections * perThousand,8:0.0} {run.Runtime.PauseSeconds / run.Elapsed.TotalSeconds * 100,8:0.0} {run.Runtime.Contentions * perThousand,8:0.0} {run.Runtime.Threads,8:0}");
        }

        if (botOnly)
        {
            return;
        }

        var pass = results[1].Run;
        var host = results[2].Run;
        Console.WriteLine($"pass-through inside DrsBot's host ÷ pass-through: throughput {host.Throughput / pass.Throughput:0.00} · p99 {host.Percentile(99) / pass.Percentile(99):0.00}× (what the host costs before any command code runs)");
        Console.WriteLine($"DrsBot ÷ pass-through: throughput {botRun.Throughput / pass.Throughput:0.00} (target ≥ 0.90) · p99 {botRun.Percentile(99) / pass.Percentile(99):0.00}× (target ≤ 1.50×)");

        async Task<(string, long, LoadRun)> MeasureAsync(string name, Child target, Func<string, bool> answered)
        {
            var run = await LoadRun.RunAsync(target, concurrency, seconds, answered);
            return (name, target.PeakWorkingSetMiB, run); // read now: a target may be stopped before the table is printed
        }
    }

    /// <summary>The runtime's counters over a run: GCs, their pauses, contended locks; thread-pool threads at its end.</summary>
    private sealed record RuntimeDelta(double Collections, double PauseSeconds, double Contentions, double Threads)
    {
        public static async Task<RuntimeDelta> ReadAsync(Child target) => new(
            await target.Runtime("gc_collections"), await target.Runtime("gc_pause_seconds"),
            await target.Runtime("lock_contentions"), await target.Runtime("thread_pool_threads"));

        public static RuntimeDelta operator -(RuntimeDelta after, RuntimeDelta before) => new(
            after.Collections - before.Collections, after.PauseSeconds - before.PauseSeconds,
            after.Contentions - before.Contentions, after.Threads);
    }

    private static bool IsDrsBody(string body) => body.Contains("full_info", StringComparison.Ordinal);

    /// <summary>
    /// One target under closed-loop load: every worker sends its next command when the last is answered. Measured
    /// only once the target's JIT has settled: tiered compilation keeps recompiling a large app's hot paths for tens
    /// of seconds under load, and a few seconds of warm-up measured the JIT, not the code (2,900 vs 6,750 req/s).
    /// </summary>
    private sealed record LoadRun(long Total, long Errors, TimeSpan Elapsed, double[] LatenciesMs, TimeSpan WarmUp, double AllocatedBytes, TimeSpan Cpu, RuntimeDelta Runtime)
    {
        /// <summary>Settled: fewer than this many methods compiled in each of two consecutive seconds under load.</summary>
        private const int SettledMethodsPerSecond = 10;

        private static readonly TimeSpan MaxWarmUp = TimeSpan.FromSeconds(90);

        public double Throughput => Total / Elapsed.TotalSeconds;

        public double Percentile(double p) => LatenciesMs.Length == 0 ? double.NaN
            : LatenciesMs[Math.Clamp((int)Math.Ceiling(p / 100 * LatenciesMs.Length) - 1, 0, LatenciesMs.Length - 1)];

        public static async Task<LoadRun> RunAsync(Child target, int concurrency, int seconds, Func<string, bool> answered)
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
            {
                Timeout = TimeSpan.FromSeconds(10),
            };
            var warmUp = Stopwatch.StartNew();
            var compiled = await target.Runtime("compiled_methods");
            for (var quiet = 0; quiet < 2 && warmUp.Elapsed < MaxWarmUp;)
            {
                await PhaseAsync(http, target.BaseUrl, concurrency, TimeSpan.FromSeconds(1), answered);
                var now = await target.Runtime("compiled_methods");
                quiet = now - compiled < SettledMethodsPerSecond ? quiet + 1 : 0;
                compiled = now;
            }

            warmUp.Stop();
            var allocatedBefore = await target.Runtime("allocated_bytes");
            var runtimeBefore = await RuntimeDelta.ReadAsync(target);
            var cpuBefore = target.CpuTime;
            var clock = Stopwatch.StartNew();
            var (latencies, errors) = await PhaseAsync(http, target.BaseUrl, concurrency, TimeSpan.FromSeconds(seconds), answered);
            clock.Stop();
            var cpu = target.CpuTime - cpuBefore;
            var allocated = await target.Runtime("allocated_bytes") - allocatedBefore;
            var runtime = await RuntimeDelta.ReadAsync(target) - runtimeBefore;
            var sorted = latencies.ToArray();
            Array.Sort(sorted);
            return new LoadRun(sorted.Length, errors, clock.Elapsed, sorted, warmUp.Elapsed, allocated, cpu, runtime);
        }

        private static async Task<(List<double> Latencies, long Errors)> PhaseAsync(
            HttpClient http, Uri target, int concurrency, TimeSpan length, Func<string, bool> answered)
        {
            var until = Stopwatch.GetTimestamp() + (long)(length.TotalSeconds * Stopwatch.Frequency);
            long errors = 0;
            var perWorker = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
            {
                var latencies = new List<double>(4096);
                var n = 0;
                while (Stopwatch.GetTimestamp() < until)
                {
                    // Distinct comparisons, as many people asking about many comparisons.
                    using var request = BotHost.Command(target, $"bench-job cmp-{worker}-{n++ % 64}");
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        using var response = await http.SendAsync(request);
                        var body = await response.Content.ReadAsStringAsync();
                        if (response.StatusCode != HttpStatusCode.OK || !answered(body))
                        {
                            Interlocked.Increment(ref errors);
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        Interlocked.Increment(ref errors);
                    }

                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }

                return latencies;
            }));
            return ([.. perWorker.SelectMany(l => l)], errors);
        }
    }
}
