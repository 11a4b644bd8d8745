using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace DrsBot.Benchmarks;

/// <summary>
/// DrsBot in its own process (Release, Production: resilience, metrics, JSON logs, rate limits set high) against
/// two baselines on the same machine, all answering signed <c>/drs-progress</c> commands backed by the same DRS
/// process; and a third, the pass-through's code inside DrsBot's own host (<see cref="HostedPassThrough"/>), which
/// splits DrsBot's gap into what its host costs and what its command code costs. The load comes from this process.
/// <para>
/// All targets run at once and are measured in turns: each gets a slice of every round, in an order that rotates
/// from round to round. This machine's speed drifts by tens of percent over minutes (other tenants), and a ratio of
/// two 15-second runs taken minutes apart measured that drift as much as the code; slices share it out evenly.
/// </para>
/// The options are <c>versus --help</c>'s.
/// </summary>
internal static class Versus
{
    /// <summary>
    /// <paramref name="Rates"/>: after the closed-loop turns, the same turns again for each rate, with commands sent at
    /// that fixed rate whatever the answers do. A closed loop measures latency at saturation, where it is 32 ÷
    /// throughput; this is the latency at loads every target can carry, which is what a person waiting sees.
    /// <paramref name="OtherBuild"/> (another build's DrsBot.dll, say a worktree of the commit before) runs in the same
    /// turns: a before-and-after from the same minutes, which single runs on this machine cannot give.
    /// <paramref name="OtherEnvironment"/> sets environment variables for that other build alone (this checkout's build
    /// when there is no other): a runtime setting measured in the same turns as without it.
    /// </summary>
    internal sealed record Options(
        int Seconds, int Rounds, int Concurrency, double[] Rates, int QuietSeconds, bool BotOnly,
        string? OtherBuild, IReadOnlyDictionary<string, string> OtherEnvironment);

    public static async Task RunAsync(Options options, Report report)
    {
        var (seconds, rounds, concurrency, botOnly) = (options.Seconds, options.Rounds, options.Concurrency, options.BotOnly);
        var (otherBuild, otherEnvironment) = (options.OtherBuild, options.OtherEnvironment);
        Console.WriteLine($"versus: {concurrency} concurrent signed /drs-progress commands, {seconds} s per target in {rounds} turn{(rounds == 1 ? "" : "s")}, once each target's JIT has settled; DRS answers the API page's example; DrsBot's DRS auth: {Child.DrsAuth}");

        var children = new List<Child>();
        try
        {
            var drs = await StartAsync(Child.StartServerAsync("drs"));
            var targets = new List<Target>();
            Target? pass = null, host = null, other = null;
            if (!botOnly)
            {
                targets.Add(new Target("bare ASP.NET Core 200", await StartAsync(Child.StartServerAsync("bare")), body => body.Length == 0, concurrency));
                targets.Add(pass = new Target("pass-through (verify, GET DRS, return)", await StartAsync(Child.StartServerAsync("passthrough", drs.BaseUrl.ToString())), IsDrsBody, concurrency));
                targets.Add(host = new Target("pass-through inside DrsBot's host", await StartAsync(Child.StartBotAsync(drs.BaseUrl, passThroughInside: true)), IsDrsBody, concurrency));
                Console.WriteLine($"GC: DrsBot server with System.GC.DTargetTCP {Child.BotGcTargetTcp()?.ToString(CultureInfo.InvariantCulture) ?? "default"} (its runtimeconfig), the baselines {(await pass.Child.Runtime("server_gc") == 1 ? "the same" : "workstation")} (--baseline-gc)");
            }

            static bool IsCard(string body) => body.Contains("Comparison cmp-", StringComparison.Ordinal);
            if (otherBuild is not null || otherEnvironment.Count > 0)
            {
                var name = otherBuild is null ? "DrsBot with --other-env" : "DrsBot, the other build";
                targets.Add(other = new Target(name, await StartAsync(Child.StartBotAsync(drs.BaseUrl, otherEnvironment, build: otherBuild)), IsCard, concurrency));
            }

            var bot = new Target("DrsBot", await StartAsync(Child.StartBotAsync(drs.BaseUrl)), IsCard, concurrency);
            targets.Add(bot);
            foreach (var target in targets)
            {
                await target.WarmUpAsync(options.QuietSeconds);
            }

            // For a profiler started now (experiments/perf-ledger.py): the turns begin, and which process is which.
            Console.WriteLine($"turns from {DateTime.UtcNow:HH:mm:ss} UTC; processes: {string.Join(", ", targets.Select(t => $"{t.Name} {t.Child.Id}"))}");

            var slice = TimeSpan.FromSeconds((double)seconds / rounds);
            for (var round = 0; round < rounds; round++)
            {
                for (var turn = 0; turn < targets.Count; turn++)
                {
                    await targets[(round + turn) % targets.Count].MeasureAsync(slice);
                }
            }

            foreach (var rate in options.Rates)
            {
                for (var round = 0; round < rounds; round++)
                {
                    for (var turn = 0; turn < targets.Count; turn++)
                    {
                        await targets[(round + turn) % targets.Count].MeasureAtRateAsync(rate, slice);
                    }
                }
            }

            Print(targets);
            Compare(bot, other, "the other build");
            if (pass is not null && host is not null)
            {
                Compare(host, pass, "pass-through", "(what the host costs before any command code runs; target ≥ 0.90)");
                Compare(bot, pass, "pass-through");
                PrintCommandPath(bot, host);
            }

            foreach (var rate in options.Rates)
            {
                PrintAtRate(targets, bot, pass ?? other, rate);
            }

            Write(report, targets, options.Rates, bot, pass, host, other);
        }
        finally
        {
            foreach (var child in children)
            {
                await child.DisposeAsync();
            }
        }

        async Task<Child> StartAsync(Task<Child> starting)
        {
            var child = await starting;
            children.Add(child);
            return child;
        }
    }

    /// <summary>The run as docs/performance.md shows it: every target, then each figure a limit holds, beside its limit.</summary>
    private static void Write(Report report, List<Target> targets, double[] rates, Target bot, Target? pass, Target? host, Target? other)
    {
        report.Table(
            ["target (closed loop)", "commands/s", "p50 ms", "p99 ms", "CPU µs a command", "KiB a command"],
            targets.Select(t => new[]
            {
                t.Name, Report.N(t.Throughput), Report.N(t.Percentile(50), "0.00"), Report.N(t.Percentile(99), "0.00"),
                Report.N(t.CpuMicrosPerRequest), Report.N(KiBPerRequest(t), "0.0"),
            }));
        var limits = new List<string[]>();
        if (pass is not null && host is not null)
        {
            var ratio = host.Throughput / pass.Throughput;
            var cpu = bot.CpuMicrosPerRequest - host.CpuMicrosPerRequest;
            var kib = KiBPerRequest(bot) - KiBPerRequest(host);
            limits.Add(["DrsBot's host ÷ the pass-through, commands/s", Report.N(ratio, "0.00"), "≥ 0.90", Met(ratio >= 0.90)]);
            limits.Add(["the command path beyond its host, CPU a command", $"{Report.N(cpu)} µs", "≤ 60 µs", Met(cpu <= 60)]);
            limits.Add(["the command path beyond its host, memory a command", $"{Report.N(kib, "0.0")} KiB", "≤ 24 KiB", Met(kib <= 24)]);
        }

        foreach (var rate in rates)
        {
            var p99 = bot.AtRate[rate].Percentile(99);
            limits.Add([$"DrsBot's p99 at {Report.N(rate)} commands a second (open loop)", $"{Report.N(p99, "0.0")} ms", "< 3,000 ms (Slack)", Met(p99 < 3000)]);
        }

        if (other is not null)
        {
            limits.Add([$"DrsBot ÷ {other.Name}, CPU a command", Report.N(bot.CpuMicrosPerRequest / other.CpuMicrosPerRequest, "0.00"), "none", "—"]);
        }

        report.Table(["figure", "measured", "limit", "met"], limits);
        report.Note("The pass-through verifies the signature, makes the same DRS GET and returns its body; run inside DrsBot's host it " +
                    "shows what the host costs (logging, metrics, Hangfire, middleware), so DrsBot minus it is the command path alone.");
    }

    private static string Met(bool met) => met ? "yes" : "**no**";

    private static void PrintAtRate(List<Target> targets, Target bot, Target? baseline, double rate)
    {
        Console.WriteLine($"{$"at {rate:0} commands a second (open loop)",-42} {"sent",8} {"errors",8} {"p50 ms",8} {"p90 ms",8} {"p99 ms",8} {"CPU µs",8} {"sent late p99",14}");
        foreach (var t in targets)
        {
            var open = t.AtRate[rate];
            Console.WriteLine($"{t.Name,-42} {open.Total,8} {open.Errors,8} {open.Percentile(50),8:0.00} {open.Percentile(90),8:0.00} {open.Percentile(99),8:0.00} {open.CpuMicrosPerRequest,8:0} {open.LateP99,11:0.00} ms");
        }

        if (baseline is not null)
        {
            var (a, b) = (bot.AtRate[rate], baseline.AtRate[rate]);
            Console.WriteLine($"{bot.Name} ÷ {baseline.Name} at {rate:0} commands a second: p50 {a.Percentile(50) / b.Percentile(50):0.00}× · p99 {a.Percentile(99) / b.Percentile(99):0.00}× · CPU per request {a.CpuMicrosPerRequest / b.CpuMicrosPerRequest:0.00}");
        }
    }

    private static void Print(List<Target> targets)
    {
        Console.WriteLine($"{"target",-42} {"req/s",8} {"p50 ms",8} {"p90 ms",8} {"p99 ms",8} {"errors",7} {"peak RSS",9} {"warm-up",8}");
        foreach (var t in targets)
        {
            Console.WriteLine($"{t.Name,-42} {t.Throughput,8:0} {t.Percentile(50),8:0.00} {t.Percentile(90),8:0.00} {t.Percentile(99),8:0.00} {t.Errors,7} {t.Child.PeakWorkingSetMiB,6} MiB {t.WarmUp.TotalSeconds,6:0} s");
        }

        // Per request, over the measured slices: steadier than throughput on a shared machine, and what a target costs.
        Console.WriteLine($"{"per request",-42} {"CPU µs",8} {"KiB",8}  CPU µs turn by turn");
        foreach (var t in targets)
        {
            var turns = string.Join(' ', t.Slices.Select(s => s.CpuMicrosPerRequest.ToString("0", CultureInfo.InvariantCulture)));
            Console.WriteLine($"{t.Name,-42} {t.CpuMicrosPerRequest,8:0} {t.Runtime.Allocated / Math.Max(1, t.Total) / 1024,8:0.0}  {turns}");
        }

        // What the runtime did meanwhile: a run that costs more than the last usually shows why here.
        // Switches: each time a thread of the target waited (voluntary) or was preempted, per request. A request that
        // wakes more threads pays the kernel's scheduling for each, which the CPU figure includes but cannot name.
        Console.WriteLine($"{"runtime during the slices",-42} {"GCs/1k",8} {"pause %",8} {"locks/1k",8} {"threads",8} {"sw/req",7} {"preempt",7}");
        foreach (var t in targets)
        {
            var perThousand = 1000.0 / Math.Max(1, t.Total);
            var (voluntary, involuntary) = t.Switches;
            Console.WriteLine($"{t.Name,-42} {t.Runtime.Collections * perThousand,8:0.0} {t.Runtime.PauseSeconds / t.Elapsed.TotalSeconds * 100,8:0.0} {t.Runtime.Contentions * perThousand,8:0.0} {t.Runtime.Threads,8:0} {voluntary / (double)Math.Max(1, t.Total),7:0.00} {involuntary / (double)Math.Max(1, t.Total),7:0.00}");
        }
    }

    /// <summary>One target's figures over another's, and each round's throughput ratio.</summary>
    private static void Compare(Target target, Target? baseline, string baselineName, string? note = null)
    {
        if (baseline is null)
        {
            return;
        }

        var throughput = $"throughput {target.Throughput / baseline.Throughput:0.00}";
        var p99 = $"p99 {target.Percentile(99) / baseline.Percentile(99):0.00}×";
        Console.WriteLine($"{target.Name} ÷ {baselineName}: {throughput} · CPU per request {target.CpuMicrosPerRequest / baseline.CpuMicrosPerRequest:0.00} · {p99}{(note is null ? "" : " " + note)}; turn by turn {Turns(target, baseline)}");
    }

    /// <summary>
    /// DrsBot's CPU a command beyond the pass-through run by its own host. The host is the same, so the difference is the
    /// command path alone (form, limiter, log line, DRS client, ETA, card): a budget in µs can be held to it, apart from
    /// what the host costs every request (logging, metrics, Hangfire, middleware). Issue 30's budget: ≤ 60 µs, ≤ 24 KiB.
    /// </summary>
    private static void PrintCommandPath(Target bot, Target host)
    {
        var turns = Turns(bot, host, (x, y) => x.CpuMicrosPerRequest - y.CpuMicrosPerRequest, "0");
        var kib = (KiBPerRequest(bot) - KiBPerRequest(host)).ToString("0.0", CultureInfo.InvariantCulture);
        Console.WriteLine($"{bot.Name}'s command path: {bot.CpuMicrosPerRequest - host.CpuMicrosPerRequest:0} µs of CPU (target ≤ 60) and {kib} KiB (target ≤ 24) a command beyond its host ({bot.CpuMicrosPerRequest:0} − {host.CpuMicrosPerRequest:0} µs); turn by turn {turns} µs");
    }

    private static double KiBPerRequest(Target t) => t.Runtime.Allocated / (double)Math.Max(1, t.Total) / 1024;

    /// <summary>Each round's throughput ratio of two targets' slices, taken seconds apart: how far one round could mislead.</summary>
    private static string Turns(Target a, Target b) => Turns(a, b, (x, y) => x.Throughput / y.Throughput, "0.00");

    /// <summary>One figure of two targets' slices, round by round (their slices pair up: each round gives every target one).</summary>
    private static string Turns(Target a, Target b, Func<Slice, Slice, double> figure, string format) =>
        string.Join(' ', a.Slices.Zip(b.Slices, (x, y) => figure(x, y).ToString(format, CultureInfo.InvariantCulture)));

    /// <summary>The runtime's counters over a run: bytes allocated, GCs, their pauses, contended locks; thread-pool threads at its end.</summary>
    private sealed record RuntimeDelta(double Allocated, double Collections, double PauseSeconds, double Contentions, double Threads)
    {
        private static readonly string[] Counters = ["allocated_bytes", "gc_collections", "gc_pause_seconds", "lock_contentions", "thread_pool_threads"];

        public static async Task<RuntimeDelta> ReadAsync(Child target) =>
            await target.Runtime(Counters) is [var allocated, var collections, var pause, var contentions, var threads]
                ? new(allocated, collections, pause, contentions, threads)
                : throw new InvalidOperationException("One value per counter was expected.");

        public static RuntimeDelta operator -(RuntimeDelta after, RuntimeDelta before) => new(
            after.Allocated - before.Allocated, after.Collections - before.Collections, after.PauseSeconds - before.PauseSeconds,
            after.Contentions - before.Contentions, after.Threads);

        public static RuntimeDelta operator +(RuntimeDelta a, RuntimeDelta b) => new(
            a.Allocated + b.Allocated, a.Collections + b.Collections, a.PauseSeconds + b.PauseSeconds,
            a.Contentions + b.Contentions, b.Threads);
    }

    /// <summary>A sleep finer than a millisecond, for the open loop's schedule (Linux, as the rest of this benchmark).</summary>
    private static class Nap
    {
        [System.Runtime.InteropServices.DllImport("libc")]
        internal static extern int usleep(uint microseconds);
    }

    private static bool IsDrsBody(string body) => body.Contains("full_info", StringComparison.Ordinal);

    /// <summary>A target's open-loop turns together: the latencies of every command sent at the fixed rate, and its CPU.</summary>
    private sealed class OpenLoop
    {
        private readonly List<double> _latencies = [];
        private readonly List<double> _late = [];
        private double[]? _sorted;
        private TimeSpan _cpu;

        public long Total => _latencies.Count;

        public long Errors { get; private set; }

        public double CpuMicrosPerRequest => _cpu.TotalMicroseconds / Math.Max(1, Total);

        /// <summary>How late the generator sent its commands, p99: the figures mean little if it fell behind.</summary>
        public double LateP99 => Load.Percentile([.. _late.Order()], 99);

        public void Add(double[] latencies, double[] late, long errors, TimeSpan cpu)
        {
            _latencies.AddRange(latencies);
            _late.AddRange(late);
            Errors += errors;
            _cpu += cpu;
            _sorted = null;
        }

        public double Percentile(double p) => Load.Percentile(_sorted ??= [.. _latencies.Order()], p);
    }

    /// <summary>One measured turn of a target: its requests, their latencies, and what the target spent on them.</summary>
    private sealed record Slice(long Total, long Errors, TimeSpan Elapsed, List<double> LatenciesMs, TimeSpan Cpu, RuntimeDelta Runtime, (long Voluntary, long Involuntary) Switches)
    {
        public double Throughput => Total / Elapsed.TotalSeconds;

        public double CpuMicrosPerRequest => Cpu.TotalMicroseconds / Math.Max(1, Total);
    }

    /// <summary>
    /// One target under closed-loop load: every worker sends its next command when the last is answered. Measured
    /// only once the target's JIT has settled: tiered compilation keeps recompiling a large app's hot paths for tens
    /// of seconds under load, and a few seconds of warm-up measured the JIT, not the code (2,900 vs 6,750 req/s).
    /// </summary>
    private sealed class Target(string name, Child child, Func<string, bool> answered, int concurrency)
    {
        /// <summary>Settled: fewer than this many methods compiled in each of two consecutive seconds under load.</summary>
        private const int SettledMethodsPerSecond = 10;

        private static readonly TimeSpan MaxWarmUp = TimeSpan.FromSeconds(90);

        /// <summary>Unmeasured load before each slice: the target left idle during the others' turns gets going again.</summary>
        private static readonly TimeSpan LeadIn = TimeSpan.FromSeconds(1);

        private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            Timeout = TimeSpan.FromSeconds(10),
        };

        private double[]? _sorted;

        public string Name => name;

        public Child Child => child;

        public TimeSpan WarmUp { get; private set; }

        public List<Slice> Slices { get; } = [];

        public long Total => Slices.Sum(s => s.Total);

        public long Errors => Slices.Sum(s => s.Errors);

        public TimeSpan Elapsed => TimeSpan.FromTicks(Slices.Sum(s => s.Elapsed.Ticks));

        public TimeSpan Cpu => TimeSpan.FromTicks(Slices.Sum(s => s.Cpu.Ticks));

        public RuntimeDelta Runtime => Slices.Select(s => s.Runtime).Aggregate((a, b) => a + b);

        public (long Voluntary, long Involuntary) Switches => (Slices.Sum(s => s.Switches.Voluntary), Slices.Sum(s => s.Switches.Involuntary));

        public double Throughput => Total / Elapsed.TotalSeconds;

        public double CpuMicrosPerRequest => Cpu.TotalMicroseconds / Math.Max(1, Total);

        public double Percentile(double p) => Load.Percentile(_sorted ??= [.. Slices.SelectMany(s => s.LatenciesMs).Order()], p);

        public async Task WarmUpAsync(int quietSeconds)
        {
            var clock = Stopwatch.StartNew();
            var compiled = await child.Runtime("compiled_methods");
            for (var quiet = 0; quiet < quietSeconds && clock.Elapsed < MaxWarmUp;)
            {
                await PhaseAsync(_http, child.BaseUrl, concurrency, TimeSpan.FromSeconds(1), answered);
                var now = await child.Runtime("compiled_methods");
                quiet = now - compiled < SettledMethodsPerSecond ? quiet + 1 : 0;
                compiled = now;
            }

            WarmUp = clock.Elapsed;
        }

        /// <summary>The open-loop turns (--rates), by rate: latency at a fixed rate, apart from the closed loop's.</summary>
        public Dictionary<double, OpenLoop> AtRate { get; } = [];

        public async Task MeasureAtRateAsync(double rate, TimeSpan length)
        {
            await OpenPhaseAsync(_http, child.BaseUrl, rate, LeadIn, answered);
            var cpuBefore = child.CpuTime;
            var (latencies, late, errors) = await OpenPhaseAsync(_http, child.BaseUrl, rate, length, answered);
            if (!AtRate.TryGetValue(rate, out var open))
            {
                AtRate[rate] = open = new OpenLoop();
            }

            open.Add(latencies, late, errors, child.CpuTime - cpuBefore);
        }

        /// <summary>
        /// Commands sent on a schedule, each timed from when it was due rather than from when it went out: a target
        /// that stalls is charged for every command due during the stall, which a closed loop would not have sent.
        /// The schedule is kept by a thread of its own that naps 0.1 ms at a time (about 0.2 ms here): Task.Delay(1)
        /// sleeps about 4 ms on this machine, which timed bursts of the generator, not the targets.
        /// </summary>
        private static async Task<(double[] Latencies, double[] Late, long Errors)> OpenPhaseAsync(
            HttpClient http, Uri target, double rate, TimeSpan length, Func<string, bool> answered)
        {
            var count = (int)(rate * length.TotalSeconds);
            var latencies = new double[count];
            var late = new double[count];
            long errors = 0;
            var sends = await Task.Factory.StartNew(() =>
            {
                var started = new Task[count];
                var start = Stopwatch.GetTimestamp();
                for (var i = 0; i < count; i++)
                {
                    var due = start + (long)(i / rate * Stopwatch.Frequency);
                    while (Stopwatch.GetTimestamp() < due)
                    {
                        Nap.usleep(100);
                    }

                    late[i] = Stopwatch.GetElapsedTime(due).TotalMilliseconds;
                    started[i] = SendAsync(i, due);
                }

                return started;
            }, TaskCreationOptions.LongRunning);
            await Task.WhenAll(sends);
            return (latencies, late, errors);

            async Task SendAsync(int index, long due)
            {
                using var request = BotHost.Command(target, $"bench-job cmp-r-{index % 2048}");
                if (!await AnsweredAsync(http, request, answered))
                {
                    Interlocked.Increment(ref errors);
                }

                latencies[index] = Stopwatch.GetElapsedTime(due).TotalMilliseconds;
            }
        }

        /// <summary>Sends one command: true when the target answered 200 with what it should.</summary>
        private static async Task<bool> AnsweredAsync(HttpClient http, HttpRequestMessage request, Func<string, bool> answered)
        {
            try
            {
                using var response = await http.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                return response.StatusCode == HttpStatusCode.OK && answered(body);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }

        public async Task MeasureAsync(TimeSpan length)
        {
            await PhaseAsync(_http, child.BaseUrl, concurrency, LeadIn, answered);
            var runtimeBefore = await RuntimeDelta.ReadAsync(child);
            var cpuBefore = child.CpuTime;
            var switchesBefore = child.ContextSwitches;
            var clock = Stopwatch.StartNew();
            var (latencies, errors) = await PhaseAsync(_http, child.BaseUrl, concurrency, length, answered);
            clock.Stop();
            var cpu = child.CpuTime - cpuBefore;
            var switches = child.ContextSwitches;
            var runtime = await RuntimeDelta.ReadAsync(child) - runtimeBefore;
            Slices.Add(new Slice(latencies.Count, errors, clock.Elapsed, latencies, cpu, runtime,
                (switches.Voluntary - switchesBefore.Voluntary, switches.Involuntary - switchesBefore.Involuntary)));
            _sorted = null;
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
                    if (!await AnsweredAsync(http, request, answered))
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
