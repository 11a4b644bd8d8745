using System.CommandLine;

namespace DrsBot.Benchmarks;

/// <summary>
/// DrsBot's benchmarks as one command-line tool: each prints its figures and asserts nothing. <c>--help</c> lists
/// them and their options; <c>--markdown FILE</c> rewrites the benchmark's section of that file (docs/performance.md);
/// <c>--smoke</c> runs a few seconds of each, so CI keeps the commands working without judging any figure.
/// </summary>
internal static class Cli
{
    private static readonly Option<FileInfo?> Markdown = new("--markdown")
    {
        Description = "Rewrite this benchmark's section of FILE (docs/performance.md) with its figures",
        HelpName = "FILE",
        Recursive = true,
    };

    private static readonly Option<bool> Smoke = new("--smoke")
    {
        Description = "A few seconds at small sizes: proves the benchmark runs; its figures mean nothing",
        Recursive = true,
    };

    private static readonly Option<FileInfo?> BotLog = new("--bot-log")
    {
        Description = "Write every line every DrsBot process prints to FILE, to read a run afterwards",
        HelpName = "FILE",
        Recursive = true,
    };

    public static Task<int> Main(string[] args)
    {
        var root = new RootCommand("DrsBot's benchmarks. Each prints its figures and asserts nothing; build DrsBot first: dotnet build -c Release src/DrsBot")
        {
            Markdown, Smoke, BotLog,
            VersusCommand(), AllocCommand(), ScaleCommand(), FaultsCommand(), LatencyCommand(),
            FaultsReportCommand(), GcReportCommand(), ServeCommand(),
        };
        return root.Parse(args).InvokeAsync();
    }

    private static Command VersusCommand()
    {
        var seconds = Int("--seconds", 15, "Measured seconds per target, split over the rounds");
        var rounds = Int("--rounds", 5, "Turns per target, in an order that rotates from round to round");
        var concurrency = Int("--concurrency", 32, "Commands in flight in the closed-loop turns");
        var rates = new Option<double[]>("--rates")
        {
            Description = "Open-loop turns after the closed loop, commands a second each (0 skips them)",
            DefaultValueFactory = _ => [1000, 4000],
            AllowMultipleArgumentsPerToken = true,
        };
        var quiet = Int("--quiet-seconds", 2, "Seconds in a row with almost no JIT compiling that count as warmed up (within 90 s)");
        var botOnly = Flag("--bot-only", "Load DrsBot alone, no baselines (for a profiler)");
        var drsAuth = new Option<string>("--drs-auth") { Description = "How DrsBot authenticates to DRS", DefaultValueFactory = _ => "Token" };
        drsAuth.AcceptOnlyFromAmong("Token", "AkSk");
        var baselineGc = new Option<string>("--baseline-gc") { Description = "The baselines' GC (DrsBot runs server GC)", DefaultValueFactory = _ => "server" };
        baselineGc.AcceptOnlyFromAmong("server", "workstation");
        var otherBuild = new Option<FileInfo?>("--other-build") { Description = "Another build's DrsBot.dll, measured in the same turns: a before-and-after", HelpName = "DLL" };
        var otherEnv = new Option<string[]>("--other-env")
        {
            Description = "NAME=VALUE environment variables for the other build alone (this checkout's without --other-build)",
            AllowMultipleArgumentsPerToken = true,
            HelpName = "NAME=VALUE",
        };
        var command = new Command("versus", "Signed /drs-progress commands against DrsBot and two baselines in rotating turns: throughput, latency, CPU and memory per command")
        {
            seconds, rounds, concurrency, rates, quiet, botOnly, drsAuth, baselineGc, otherBuild, otherEnv,
        };
        command.SetAction(async parse =>
        {
            var smoke = parse.GetValue(Smoke);
            var options = new Versus.Options(
                Seconds: smoke ? 2 : parse.GetValue(seconds),
                Rounds: smoke ? 1 : parse.GetValue(rounds),
                Concurrency: parse.GetValue(concurrency),
                Rates: smoke ? [200] : [.. (parse.GetValue(rates) ?? []).Where(rate => rate > 0)],
                QuietSeconds: smoke ? 0 : parse.GetValue(quiet),
                BotOnly: parse.GetValue(botOnly),
                OtherBuild: parse.GetValue(otherBuild)?.FullName,
                OtherEnvironment: (parse.GetValue(otherEnv) ?? []).Select(pair => pair.Split('=', 2)).ToDictionary(p => p[0], p => p.Length == 2 ? p[1] : ""));
            await RunAsync(parse, "versus", report => Versus.RunAsync(options, report), drsAuth: parse.GetValue(drsAuth) ?? "Token", baselineServerGc: parse.GetValue(baselineGc) == "server");
        });
        return command;
    }

    private static Command AllocCommand()
    {
        var repetitions = Int("--repetitions", 20_000, "Repetitions of each stage, after 2 s of warm-up");
        var command = new Command("alloc", "Bytes and microseconds of each stage of one command, one thread, no sockets") { repetitions };
        command.SetAction(async parse =>
        {
            var smoke = parse.GetValue(Smoke);
            var options = new Allocations.Options(smoke ? 200 : parse.GetValue(repetitions), smoke ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(2));
            await RunAsync(parse, "alloc", report => Allocations.RunAsync(options, report));
        });
        return command;
    }

    private static Command ScaleCommand()
    {
        var stores = new Option<string[]>("--store")
        {
            Description = "Where the watches live: memory (Hangfire.InMemory), postgresql (a throwaway server), or both",
            DefaultValueFactory = _ => ["memory", "postgresql"],
            AllowMultipleArgumentsPerToken = true,
        };
        stores.AcceptOnlyFromAmong("memory", "postgresql");
        var comparisons = Int("--comparisons", 10_000, "Watched comparisons");
        var channels = Int("--channels", 10, "Channels watching each comparison");
        var interval = Int("--interval", 60, "Watch:PollInterval, seconds (5 or more, dividing a minute, an hour or a day)");
        var window = Int("--window", 0, "Seconds of steady state to count (0: two intervals)");
        var replicas = Int("--replicas", 1, "DrsBot hosts sharing one PostgreSQL store");
        var command = new Command("scale", "Polling at scale: watched comparisons, a DRS that answers in 200 ms, the real Hangfire tick")
        {
            stores, comparisons, channels, interval, window, replicas,
        };
        command.SetAction(async parse =>
        {
            var smoke = parse.GetValue(Smoke);
            var options = new Scale.Options(
                Stores: parse.GetValue(stores) ?? [],
                Comparisons: smoke ? 50 : parse.GetValue(comparisons),
                Channels: smoke ? 2 : parse.GetValue(channels),
                Interval: TimeSpan.FromSeconds(smoke ? 5 : parse.GetValue(interval)),
                Window: TimeSpan.FromSeconds(smoke ? 10 : parse.GetValue(window)),
                Replicas: parse.GetValue(replicas));
            await RunAsync(parse, "scale", report => Scale.RunAsync(options, report));
        });
        return command;
    }

    private static Command FaultsCommand()
    {
        var comparisons = Int("--comparisons", 50, "Watched comparisons, each alternating 50 % and 100 %");
        var seconds = Int("--seconds", 240, "Seconds of faults and kills, before a 90 s drain");
        var noHistory = Flag("--no-history-scopes", "Slack refuses conversations.history, as for an app installed without channels:history");
        var details = Flag("--details", "Print the first 30 lost or duplicated notifications with the events around them");
        var events = new Option<FileInfo?>("--events") { Description = "Save every served reading, post and kill to FILE (see faults-report)", HelpName = "FILE" };
        var command = new Command("faults", "DRS, Slack and PostgreSQL failing and DrsBot killed at random: notifications lost and duplicated")
        {
            comparisons, seconds, noHistory, details, events,
        };
        command.SetAction(async parse =>
        {
            var smoke = parse.GetValue(Smoke);
            var options = new Faults.Options(
                Comparisons: smoke ? 3 : parse.GetValue(comparisons),
                Duration: TimeSpan.FromSeconds(smoke ? 12 : parse.GetValue(seconds)),
                Drain: TimeSpan.FromSeconds(smoke ? 5 : 90),
                HistoryScopes: !parse.GetValue(noHistory),
                Details: parse.GetValue(details),
                Events: parse.GetValue(events)?.FullName);
            await RunAsync(parse, "faults", report => Faults.RunAsync(options, report));
        });
        return command;
    }

    private static Command LatencyCommand()
    {
        var scenarios = new Argument<string[]>("scenario")
        {
            Description = "progress (a command answered through the DRS simulator), refused (bad signatures), fault (DRS down), poll (a poll cycle)",
            DefaultValueFactory = _ => ["progress", "refused", "fault", "poll"],
            Arity = ArgumentArity.ZeroOrMore,
        };
        scenarios.AcceptOnlyFromAmong("progress", "refused", "fault", "poll");
        var command = new Command("latency", "In-process scenarios: DrsBot in this process, its answers timed") { scenarios };
        command.SetAction(async parse =>
        {
            var smoke = parse.GetValue(Smoke);
            await RunAsync(parse, "latency", async report =>
            {
                await Scenarios.RunAsync(parse.GetValue(scenarios) ?? [], smoke, report);
            });
        });
        return command;
    }

    private static Command FaultsReportCommand()
    {
        var file = new Argument<FileInfo>("file") { Description = "A run saved with faults --events FILE" };
        var command = new Command("faults-report", "Count a saved faults run again") { file };
        command.SetAction(parse => Faults.Recount(parse.GetRequiredValue(file).FullName));
        return command;
    }

    private static Command GcReportCommand()
    {
        var traces = new Argument<FileInfo[]>("trace") { Description = ".nettrace files recorded with dotnet-trace's GC events", Arity = ArgumentArity.OneOrMore };
        var command = new Command("gc-report", "The GC pauses in recordings of GC events") { traces };
        command.SetAction(parse =>
        {
            foreach (var trace in parse.GetRequiredValue(traces))
            {
                GcReport.Print(trace.FullName);
            }
        });
        return command;
    }

    /// <summary>This program as one of versus's baseline servers, in a process of its own; not for people.</summary>
    private static Command ServeCommand()
    {
        var kind = new Argument<string>("kind");
        var port = new Argument<int>("port");
        var drs = new Argument<string?>("drs") { Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("serve", "A baseline server for versus") { kind, port, drs };
        command.Hidden = true;
        command.SetAction(parse => Servers.RunAsync(parse.GetRequiredValue(kind), parse.GetValue(port), parse.GetValue(drs)));
        return command;
    }

    /// <summary>Prints the heading, runs the benchmark, and writes its section of the Markdown file if asked.</summary>
    private static async Task RunAsync(ParseResult parse, string benchmark, Func<Report, Task> run, string drsAuth = "Token", bool baselineServerGc = true)
    {
        Child.Configure(drsAuth, baselineServerGc, parse.GetValue(BotLog)?.FullName);
        var report = new Report(benchmark, parse.Tokens.Count == 0 ? benchmark : string.Join(' ', parse.Tokens.Select(t => t.Value)));
        Console.WriteLine(report.Machine);
        await run(report);
        if (parse.GetValue(Markdown) is { } file)
        {
            report.WriteInto(file.FullName);
            Console.WriteLine($"{benchmark}: its section of {file.FullName} rewritten");
        }
    }

    private static Option<int> Int(string name, int fallback, string description) =>
        new(name) { Description = description, DefaultValueFactory = _ => fallback };

    private static Option<bool> Flag(string name, string description) => new(name) { Description = description };
}
