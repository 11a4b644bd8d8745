using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using DrsBot.Tests.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DrsBot.Benchmarks;

/// <summary>
/// What DrsBot survives: DRS answering 20 % errors or timeouts, Slack answering 20 % 429s or 503s, and the DrsBot
/// process SIGKILLed and restarted at random points, on PostgreSQL. Every comparison alternates 50 % and 100 % in
/// phases of 10 s, so each 50 → 100 owes its channel one "Full comparison complete". The notifications the channel
/// received are matched against the readings DRS actually served:
/// - lost: a 50 then a 100 that DrsBot certainly read (no kill from 1 s before to 3 s after either was served: an
///   answer can be served to a request whose process has just died), and no notification for it by the end;
/// - duplicated: a notification with no served 50 → 100 left to account for it. When a kill came from 1 s before to
///   5 s after the previous post (Slack took it, and the process died before recording it), it is counted apart:
///   that is the documented window.
/// No kill comes after FAULT_SECONDS. Then the faults stop and the run drains for 90 s: a killed process's leases
/// (20 s here) must expire, and a notification Slack refused waits for Hangfire's retry, up to about a minute.
/// FAULT_COMPARISONS (50) and FAULT_SECONDS (240) change the run.
/// </summary>
internal static class Faults
{
    private static readonly TimeSpan Phase = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Certain = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan PostWindow = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan KillBefore = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(90);

    public static async Task RunAsync()
    {
        var comparisons = int.Parse(Environment.GetEnvironmentVariable("FAULT_COMPARISONS") ?? "50", CultureInfo.InvariantCulture);
        var seconds = int.Parse(Environment.GetEnvironmentVariable("FAULT_SECONDS") ?? "240", CultureInfo.InvariantCulture);
        var random = new Random(20261129);
        var server = PostgresServer.StartPrivate();
        try
        {
            await using var fakes = await FaultyFakes.StartAsync(random);
            var settings = new Dictionary<string, string>
            {
                ["Hangfire:Storage"] = "PostgreSql",
                ["ConnectionStrings:Hangfire"] = server.CreateDatabase(),
                ["Slack:ApiBaseUrl"] = fakes.BaseUrl + "api/",
                ["Watch:PollInterval"] = "00:00:05",
                ["Watch:FailuresBeforeAlert"] = "100", // outage alerts are not what is counted here
                // A killed process's leases hold its comparisons until they expire: with the default 2 minutes and a
                // kill every 8–25 s, most comparisons would spend the run waiting rather than being read.
                ["Watch:PollLease"] = "00:00:20",
            };
            var bot = await Child.StartBotAsync(new Uri(fakes.BaseUrl), settings);
            using (var http = new HttpClient())
            {
                for (var i = 0; i < comparisons; i++)
                {
                    // Subscribing asks DRS, which fails a fifth of the time: ask again until it is done.
                    while (true)
                    {
                        using var reply = await http.SendAsync(BotHost.Command(bot.BaseUrl, $"subscribe fault-job {Id(i)} --no-thread", channel: "C0FAULT"));
                        if ((await reply.Content.ReadAsStringAsync()).Contains("subscribed this channel", StringComparison.Ordinal))
                        {
                            break;
                        }
                    }
                }
            }

            Console.WriteLine($"faults: {comparisons} comparisons watched; DRS fails 20 % (500, 429, 11 s timeouts), Slack 20 % (429, 503); " +
                              $"DrsBot killed at random for {seconds} s");
            var kills = new List<DateTime>();
            _start = DateTime.UtcNow;
            var until = DateTime.UtcNow.AddSeconds(seconds);
            while (true)
            {
                var next = TimeSpan.FromSeconds(8 + random.NextDouble() * 17);
                if (DateTime.UtcNow + next > until)
                {
                    var rest = until - DateTime.UtcNow; // read once: a second read could be negative, which Task.Delay refuses
                    await Task.Delay(rest > TimeSpan.Zero ? rest : TimeSpan.Zero);
                    break; // no kill after the run's end: the drain is not cut short by a last restart
                }

                await Task.Delay(next);
                kills.Add(DateTime.UtcNow);
                bot.Kill();
                await bot.DisposeAsync();
                await Task.Delay(TimeSpan.FromSeconds(random.NextDouble() * 3));
                bot = await Child.StartBotAsync(new Uri(fakes.BaseUrl), settings);
            }

            fakes.Faults = false; // drain: whatever is owed must now arrive
            await Task.Delay(Drain);
            await bot.DisposeAsync();
            Report(fakes, comparisons, kills);
        }
        finally
        {
            server.Stop(immediate: true);
        }
    }

    private static string Id(int i) => $"cmp-{i:000}";

    private static DateTime _start = DateTime.UtcNow;
    private static List<DateTime> _kills = [];

    private static string Since(DateTime at)
    {
        var nearest = _kills.Count == 0 ? (TimeSpan?)null : _kills.Select(k => at - k).MinBy(d => d.Duration());
        return $"{(at - _start).TotalSeconds:0.0}s (nearest kill {(nearest is { } n ? n.TotalSeconds.ToString("+0.0;-0.0", CultureInfo.InvariantCulture) : "none")} s)";
    }

    private static int _details;

    private static void Detail(string line)
    {
        if (Environment.GetEnvironmentVariable("FAULT_DETAILS") == "1" && _details++ < 30)
        {
            Console.WriteLine("  " + line);
        }
    }

    private static void Report(FaultyFakes fakes, int comparisons, List<DateTime> kills)
    {
        if (Environment.GetEnvironmentVariable("FAULT_EVENTS") is { Length: > 0 } path)
        {
            // Every served reading, accepted post and kill: `faults-report FILE` counts them again.
            File.WriteAllLines(path, fakes.Served.Select(s => $"{s.At:O},read,{s.Compare},{s.Progress}")
                .Concat(fakes.Posted.Select(p => $"{p.At:O},post,,{p.Text.ReplaceLineEndings(" ")}"))
                .Concat(kills.Select(k => $"{k:O},kill,,")));
        }

        Console.WriteLine($"faults: {fakes.Served.Count:N0} DRS answers served, {fakes.DrsFaults:N0} DRS faults; {fakes.Posted.Count:N0} Slack posts accepted, {fakes.SlackFaults:N0} refused; {kills.Count} kills");
        Count([.. fakes.Served], [.. fakes.Posted], comparisons, kills);
    }

    /// <summary>The count of a run saved with FAULT_EVENTS, again: to check the counting itself against a real run.</summary>
    public static void Recount(string path)
    {
        var served = new List<(string Compare, DateTime At, double Progress)>();
        var posted = new List<(DateTime At, string Text)>();
        var kills = new List<DateTime>();
        foreach (var line in File.ReadLines(path))
        {
            var parts = line.Split(',', 4);
            var at = DateTime.Parse(parts[0], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            switch (parts[1])
            {
                case "read": served.Add((parts[2], at, double.Parse(parts[3], CultureInfo.InvariantCulture))); break;
                case "post": posted.Add((at, parts[3])); break;
                default: kills.Add(at); break;
            }
        }

        kills.Sort();
        _start = served.Min(s => s.At);
        Count(served, posted, served.Select(s => s.Compare).Distinct().Count(), kills);
    }

    private static void Count(
        List<(string Compare, DateTime At, double Progress)> served, List<(DateTime At, string Text)> posted, int comparisons, List<DateTime> kills)
    {
        _kills = kills;
        bool KilledWithin(DateTime at, TimeSpan after) => kills.Any(k => k >= at - KillBefore && k - at <= after);
        long transitions = 0, owedCertain = 0, lost = 0, duplicated = 0, inWindow = 0, delivered = 0;
        for (var i = 0; i < comparisons; i++)
        {
            var id = Id(i);
            var readings = served.Where(s => s.Compare == id).Select(s => (s.At, Kind: s.Progress >= 100 ? "100" : "50"));
            var posts = posted.Where(p => p.Text.EndsWith($"Full comparison complete: comparison {id}", StringComparison.Ordinal)).Select(p => (p.At, Kind: "post"));
            var events = readings.Concat(posts).OrderBy(e => e.At).ToList();
            delivered += posts.Count();

            string? last = null;
            bool armed = false, certainArmed = false, first = true;
            long owed = 0, certainOwed = 0;
            int armedAt = -1, index = -1;
            var unmatched = new Queue<(int From, int To)>(); // certain 50 → 100 not yet accounted for by a post
            DateTime? previousPost = null;
            foreach (var (at, kind) in events)
            {
                index++;
                if (kind == "post")
                {
                    if (owed > 0)
                    {
                        owed--;
                    }
                    else if (previousPost is { } p && KilledWithin(p, PostWindow))
                    {
                        inWindow++;
                    }
                    else
                    {
                        duplicated++;
                        Detail($"duplicate {id} at {Since(at)}; previous post {(previousPost is { } pp ? Since(pp) : "none")}");
                    }

                    certainOwed = Math.Max(0, certainOwed - 1);
                    unmatched.TryDequeue(out _);
                    previousPost = at;
                    continue;
                }

                transitions += last is not null && last != kind ? 1 : 0;
                last = kind;
                var certain = !KilledWithin(at, Certain);
                if (kind == "50")
                {
                    armed = true;
                    if (certain && !certainArmed)
                    {
                        armedAt = index;
                    }

                    certainArmed |= certain;
                }
                else
                {
                    if (armed && !first)
                    {
                        owed++;
                        // Certain when a 50 of this transition and its 100 were both read certainly.
                        if (certainArmed && certain)
                        {
                            certainOwed++;
                            owedCertain++;
                            unmatched.Enqueue((armedAt, index));
                        }
                    }

                    // Any 100 ends the transition, read certainly or not: a certain 50 must not carry over to a
                    // later 100 with no 50 before it (that counted completions nobody owed: "lost" ones).
                    armed = false;
                    certainArmed = false;
                }

                first = false; // the subscribe reading is the baseline, never news
            }

            lost += certainOwed;
            if (certainOwed > 0)
            {
                foreach (var (from, to) in unmatched)
                {
                    // From a little before the reading that armed it to a little after the completion: where the
                    // post should have been.
                    var around = events.Skip(Math.Max(0, from - 2)).Take(to - from + 8);
                    Detail($"lost for {id}: 50 at {Since(events[from].At)}, 100 at {Since(events[to].At)}; events: " +
                           string.Join(" ", around.Select(e => $"{e.Kind}@{(e.At - _start).TotalSeconds:0.0}")));
                }
            }
        }

        Console.WriteLine($"faults: {transitions:N0} state transitions (50 ↔ 100) served; {owedCertain:N0} completions certainly read; {delivered:N0} completion notifications delivered");
        Console.WriteLine($"faults: lost {lost} · duplicated {duplicated} · duplicated in the documented post-then-crash window {inWindow}");
    }

    /// <summary>DRS and Slack on one loopback port, each failing a fifth of the time while <see cref="Faults"/> is on.</summary>
    private sealed class FaultyFakes : IAsyncDisposable
    {
        private readonly Random _random;
        private readonly DateTime _epoch = DateTime.UtcNow;
        private WebApplication _app = null!;
        private long _ts;

        private FaultyFakes(Random random) => _random = random;

        public volatile bool Faults = true;

        public long DrsFaults;

        public long SlackFaults;

        public string BaseUrl { get; private set; } = "";

        public ConcurrentQueue<(string Compare, DateTime At, double Progress)> Served { get; } = new();

        public ConcurrentQueue<(DateTime At, string Text)> Posted { get; } = new();

        private double Roll()
        {
            lock (_random)
            {
                return _random.NextDouble();
            }
        }

        public static async Task<FaultyFakes> StartAsync(Random random)
        {
            var fakes = new FaultyFakes(random);
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = fakes._app = builder.Build();
            app.MapGet("/readyz", () => "ok");
            app.MapGet("/v5/{project}/jobs/{job}/compare-progress/{compare}", async (string compare, HttpContext http) =>
            {
                var roll = fakes.Faults ? fakes.Roll() : 1;
                if (roll < 0.20)
                {
                    Interlocked.Increment(ref fakes.DrsFaults);
                    if (roll < 0.10)
                    {
                        return Results.Json(new { error_code = "DRS.00000001", error_msg = "Internal error." }, statusCode: 500);
                    }

                    if (roll < 0.15)
                    {
                        return Results.Json(new { error_code = "APIGW.0308", error_msg = "The throttling threshold has been reached" }, statusCode: 429);
                    }

                    await Task.Delay(TimeSpan.FromSeconds(11), http.RequestAborted); // past the 10 s attempt timeout
                }

                var progress = (int)((DateTime.UtcNow - fakes._epoch) / Phase) % 2 == 0 ? 50 : 100;
                fakes.Served.Enqueue((compare, DateTime.UtcNow, progress));
                return Results.Text($$$"""{"full_info":{"progress":{{{progress}}},"src_speed":"1MB/s","recheck_entities":0}}""", "application/json");
            });
            app.MapPost("/api/chat.postMessage", async (HttpContext http) =>
            {
                var roll = fakes.Faults ? fakes.Roll() : 1;
                if (roll < 0.20)
                {
                    Interlocked.Increment(ref fakes.SlackFaults);
                    http.Response.StatusCode = roll < 0.10 ? 429 : 503;
                    http.Response.Headers.RetryAfter = "1";
                    return;
                }

                var body = await JsonDocument.ParseAsync(http.Request.Body);
                fakes.Posted.Enqueue((DateTime.UtcNow, body.RootElement.GetProperty("text").GetString() ?? ""));
                await http.Response.WriteAsJsonAsync(new { ok = true, channel = "C0FAULT", ts = $"{Interlocked.Increment(ref fakes._ts)}.000000" });
            });
            app.MapPost("/api/chat.update", () => Results.Json(new { ok = true }));
            await app.StartAsync();
            fakes.BaseUrl = app.Urls.First().TrimEnd('/') + "/";
            return fakes;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
