using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace DrsBot.Benchmarks;

/// <summary>A process of the benchmark: this program as a server, or the built DrsBot.dll in Production.</summary>
internal sealed class Child : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();

    private Child(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
        // Everything it writes is read (a full pipe would stall it), and the last lines kept for errors.
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseUrl { get; }

    /// <summary>The kernel's high-water mark of the process's resident memory (VmHWM).</summary>
    public long PeakWorkingSetMiB => File.ReadLines($"/proc/{_process.Id}/status")
        .Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
        .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024)
        .FirstOrDefault();

    public static Task<Child> StartServerAsync(string kind, string? drs = null)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [typeof(Versus).Assembly.Location, "serve", kind, port.ToString(CultureInfo.InvariantCulture), drs ?? ""]);
        if (kind is "bare" or "passthrough")
        {
            start.Environment["DOTNET_gcServer"] = BaselineServerGc ? "1" : "0";
            if (BaselineServerGc && BotGcTargetTcp() is { } tcp)
            {
                start.Environment["DOTNET_GCDTargetTCP"] = tcp.ToString("x", CultureInfo.InvariantCulture); // hexadecimal, as all DOTNET_ numbers
            }
        }
        return StartAsync(start, port);
    }

    /// <summary>
    /// DrsBot as production runs it, against <paramref name="drs"/>; <paramref name="overrides"/> on top. With
    /// <paramref name="passThroughInside"/>, its /slack/commands is answered by <see cref="HostedPassThrough"/>.
    /// <paramref name="build"/> names another build's DrsBot.dll than this checkout's.
    /// </summary>
    public static Task<Child> StartBotAsync(Uri drs, IReadOnlyDictionary<string, string>? overrides = null, bool passThroughInside = false, string? build = null)
    {
        var dll = build ?? Path.Combine(BotHost.SourceDirectory(), "bin", "Release", "net10.0", "DrsBot.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("Build DrsBot in Release first: dotnet build -c Release src/DrsBot", dll);
        }

        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [dll]) { WorkingDirectory = Path.GetDirectoryName(dll)! };
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Slack__SigningSecret"] = BotHost.Secret,
            ["Slack__BotToken"] = "xoxb-benchmark",
            ["Slack__ResponseUrlPrefixes__0"] = "http://127.0.0.1:9/",
            ["Slack__RateLimit__PerUserPerMinute"] = "100000000",
            ["Slack__RateLimit__PerTeamPerMinute"] = "100000000",
            ["Drs__MaxCallsPerMinute"] = "1000000", // the load is the benchmark's to choose, not the DRS call budget's
            ["Drs__Endpoint"] = drs.ToString(),
            ["Drs__ProjectId"] = "bench-project",
            ["Drs__Auth__Mode"] = DrsAuth,
            ["Drs__Auth__Token"] = "bench-token",
            ["Drs__Auth__AccessKey"] = "BENCHACCESSKEY0000000",
            ["Drs__Auth__SecretKey"] = "bench-secret-key-0000000000000000000000",
        };
        if (passThroughInside)
        {
            settings["DOTNET_STARTUP_HOOKS"] = typeof(HostedPassThrough).Assembly.Location;
        }

        foreach (var (key, value) in settings.Concat(overrides ?? new Dictionary<string, string>()))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return StartAsync(start, port, isBot: true);
    }

    private static async Task<Child> StartAsync(ProcessStartInfo start, int port, bool isBot = false)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        var child = new Child(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}/")) { IsBot = isBot };
        using var http = new HttpClient();
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline && !child._process.HasExited;)
        {
            try
            {
                using var ready = await http.GetAsync(new Uri(child.BaseUrl, "readyz"));
                if (ready.IsSuccessStatusCode)
                {
                    return child;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        throw new InvalidOperationException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not start:\n{child.LastLines}");
    }

    /// <summary>One of the runtime's own counters (the names in <see cref="MetricLines"/>, or <c>server_gc</c> for a benchmark server).</summary>
    public async Task<double> Runtime(string counter) => (await Runtime([counter]))[0];

    /// <summary>
    /// Several of the runtime's own counters, read together: from one scrape of DrsBot's /metrics (System.Runtime
    /// meter), or from the benchmark servers' /runtime endpoint, which reads the same counters.
    /// </summary>
    public async Task<double[]> Runtime(IReadOnlyList<string> counters)
    {
        using var http = new HttpClient();
        if (!IsBot)
        {
            var values = new double[counters.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = double.Parse(await http.GetStringAsync(new Uri(BaseUrl, $"runtime/{counters[i]}")), CultureInfo.InvariantCulture);
            }

            return values;
        }

        var text = await http.GetStringAsync(new Uri(BaseUrl, "metrics"));
        return [.. counters.Select(counter => MetricLines[counter].Matches(text) is { Count: > 0 } lines
            ? lines.Sum(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            : double.NaN)];
    }

    private bool IsBot { get; init; }

    /// <summary>
    /// The System.Runtime meter's lines in DrsBot's /metrics for each counter (summed when it has several, as GCs by
    /// generation: a GC is counted once, in the oldest generation it collected), with or without labels.
    /// </summary>
    private static readonly Dictionary<string, Regex> MetricLines = new Dictionary<string, string>
    {
        ["allocated_bytes"] = "dotnet_gc_heap_total_allocated_bytes",
        ["compiled_methods"] = "dotnet_jit_compiled_methods",
        ["gc_collections"] = "dotnet_gc_collections",
        ["gc_pause_seconds"] = "dotnet_gc_pause_time_seconds",
        ["lock_contentions"] = "dotnet_monitor_lock_contentions",
        ["thread_pool_threads"] = "dotnet_thread_pool_thread_count",
    }.ToDictionary(p => p.Key, p => new Regex($@"^{p.Value}(?:_total)?(?:\{{[^}}]*\}})? ([0-9.e+E-]+)", RegexOptions.Multiline | RegexOptions.Compiled));

    private string LastLines
    {
        get
        {
            lock (_lastLines)
            {
                return string.Join('\n', _lastLines);
            }
        }
    }

    /// <summary>
    /// How DrsBot authenticates to DRS in a run: a token header (what Password mode's cached IAM token costs a
    /// request) by default, or AkSk to sign every call as real credentials do (the fake does not check).
    /// </summary>
    public static string DrsAuth { get; private set; } = "Token";

    /// <summary>
    /// The baselines run with the GC DrsBot runs with: server GC, as every ASP.NET Core app has by default, with DrsBot's
    /// target for the time in GC (both from its runtimeconfig). This program itself keeps workstation GC, so the load it
    /// generates stays light.
    /// </summary>
    public static bool BaselineServerGc { get; private set; } = true;

    /// <summary>DrsBot's server GC target (<c>System.GC.DTargetTCP</c> in its runtimeconfig), which the baselines share.</summary>
    public static int? BotGcTargetTcp()
    {
        var config = Path.Combine(BotHost.SourceDirectory(), "bin", "Release", "net10.0", "DrsBot.runtimeconfig.json");
        return File.Exists(config)
               && System.Text.Json.JsonDocument.Parse(File.ReadAllText(config)).RootElement.GetProperty("runtimeOptions")
                   .TryGetProperty("configProperties", out var properties)
               && properties.TryGetProperty("System.GC.DTargetTCP", out var tcp)
            ? tcp.GetInt32()
            : null;
    }

    /// <summary>A file that gets every line every DrsBot process writes, for reading a run afterwards.</summary>
    private static StreamWriter? Log { get; set; }

    /// <summary>The run's choices (the command line's), before any child starts.</summary>
    public static void Configure(string drsAuth, bool baselineServerGc, string? botLog)
    {
        DrsAuth = drsAuth;
        BaselineServerGc = baselineServerGc;
        Log = botLog is null ? null : new StreamWriter(botLog, append: false) { AutoFlush = true };
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (IsBot && Log is not null)
        {
            lock (Log)
            {
                Log.WriteLine($"{_process.Id} {line}");
            }
        }

        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > 30)
            {
                _lastLines.Dequeue();
            }
        }
    }

    public int Id => _process.Id;

    /// <summary>CPU time the process has used so far, user and kernel (/proc/PID/stat, in clock ticks of 10 ms).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // after "pid (comm) ": field 3 onwards
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromMilliseconds(ticks * 10);
        }
    }

    /// <summary>
    /// Context switches of the process's live threads so far, voluntary (a thread waited: a socket, a lock, an empty
    /// queue) and not (the scheduler took the core), from /proc/PID/task/*/status. Threads that have exited are not
    /// counted, so a slice's difference is only as good as the thread pool is steady (the runtime table shows its size).
    /// </summary>
    public (long Voluntary, long Involuntary) ContextSwitches
    {
        get
        {
            long voluntary = 0, involuntary = 0;
            foreach (var task in Directory.EnumerateDirectories($"/proc/{_process.Id}/task"))
            {
                try
                {
                    foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                    {
                        voluntary += Count(line, "voluntary_ctxt_switches:");
                        involuntary += Count(line, "nonvoluntary_ctxt_switches:");
                    }
                }
                catch (IOException)
                {
                    // the thread exited between listing and reading
                }
            }

            return (voluntary, involuntary);

            static long Count(string line, string name) => line.StartsWith(name, StringComparison.Ordinal)
                ? long.Parse(line.AsSpan(name.Length).Trim(), CultureInfo.InvariantCulture)
                : 0;
        }
    }

    /// <summary>SIGKILL: no shutdown, no flush, as when a node dies.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
