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
/// What DrsBot survives: DRS answering 20 % errors or timeouts; Slack answering 20 % badly (429 or 503 taking
/// nothing, or taking the post and then answering 500, <c>internal_error</c>, or stalling mid-body); PostgreSQL
/// restarted twice; and the DrsBot process SIGKILLed and restarted at random points. Every comparison alternates
/// 50 % and 100 % in phases of 10 s, so each 50 → 100 owes its channel one "Full comparison complete". The
/// notifications the channel received are matched against the readings DRS actually served:
/// - lost: a 50 then a 100 that DrsBot certainly read (no kill from 1 s before to 3 s after either was served: an
///   answer can be served to a request whose process has just died), and no notification for it by the end;
/// - duplicated: a notification with no served 50 → 100 left to account for it, counted by what happened to the
///   post before it (Slack's answer to it, or a kill just after it). With the history scopes (the default), DrsBot
///   looks a "maybe posted" message up before posting it again, so every kind should be 0; --no-history-scopes
///   runs without them, where the duplicates are the documented ones.
/// No kill comes after the run's seconds. Then the faults stop and the run drains (90 s): a killed process's leases
/// (20 s here) must expire, and a notification Slack refused waits for the next poll. The options are <c>faults --help</c>'s.
/// </summary>
internal static class Faults
{
    private static readonly TimeSpan Phase = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Certain = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan PostWindow = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan KillBefore = TimeSpan.FromSeconds(1);

    /// <summary><paramref name="Events"/>: a file to save every served reading, post and kill in, for <c>faults-report</c>.</summary>
    internal sealed record Options(int Comparisons, TimeSpan Duration, TimeSpan Drain, bool HistoryScopes, bool Details, string? Events);

    /// <summary>What a run (or a saved one, counted again) came to.</summary>
    private sealed record Counted(long Transitions, long CertainlyRead, long Delivered, long Lost, long Duplicated, string DuplicatesWhy);

    public static async Task RunAsync(Options options, Report report)
    {
        var comparisons = options.Comparisons;
        var seconds = options.Duration.TotalSeconds;
        _showDetails = options.Details;
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
                // A post stalled mid-body is ended by the Web API client's 30 s; polls are bounded below that.
                ["Watch:PollDeadline"] = "00:00:15",
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

            fakes.HistoryScopes = options.HistoryScopes;
            Console.WriteLine($"faults: {comparisons} comparisons watched; DRS fails 20 % (500, 429, 11 s timeouts), Slack 20 % (429, 503, " +
                              $"taken then 500, taken then internal_error, taken then stalled mid-body); history scopes {(fakes.HistoryScopes ? "granted" : "not granted")}; " +
                              $"PostgreSQL restarted twice; DrsBot killed at random for {seconds} s");
            var kills = new List<DateTime>();
            _start = DateTime.UtcNow;
            var until = DateTime.UtcNow.AddSeconds(seconds);
            var restarts = new Queue<DateTime>([_start.AddSeconds(seconds / 3.0), _start.AddSeconds(seconds * 2 / 3.0)]);
            while (true)
            {
                if (restarts.TryPeek(out var restartAt) && DateTime.UtcNow >= restartAt)
                {
                    restarts.Dequeue();
                    server.Stop(); // the database goes away for 8 s: polls wait, nothing may be lost or doubled
                    await Task.Delay(TimeSpan.FromSeconds(8));
                    server.Start();
                    fakes.DatabaseRestarts++;
                }

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
            await Task.Delay(options.Drain);
            await bot.DisposeAsync();
            var counted = Summarize(fakes, comparisons, kills, options.Events);
            report.Table(
                ["run", "transitions served", "completions certainly read", "notifications delivered", "lost", "duplicated"],
                [[
                    $"{Report.N(seconds)} s, {kills.Count} kills, {fakes.DatabaseRestarts} database restarts, history scopes {(options.HistoryScopes ? "granted" : "not granted")}",
                    Report.N(counted.Transitions), Report.N(counted.CertainlyRead), Report.N(counted.Delivered),
                    $"**{counted.Lost}** (limit 0)",
                    $"**{counted.Duplicated}** (limit 0{(options.HistoryScopes ? "" : "; without the history scopes each is counted in `maybe_duplicate`")}){counted.DuplicatesWhy}",
                ]]);
            report.Note($"{comparisons} comparisons alternating 50 % and 100 % every {Phase.TotalSeconds:0} s; DRS fails 20 % of requests, Slack answers 20 % of posts badly; " +
                        "PostgreSQL is stopped twice; DrsBot is SIGKILLed every 8 – 25 s; then the faults stop and the run drains.");
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
    private static bool _showDetails;

    private static void Detail(string line)
    {
        if (_showDetails && _details++ < 30)
        {
            Console.WriteLine("  " + line);
        }
    }

    private static Counted Summarize(FaultyFakes fakes, int comparisons, List<DateTime> kills, string? events)
    {
        if (events is { } path)
        {
            // Every served reading, accepted post and kill: `faults-report FILE` counts them again.
            File.WriteAllLines(path, fakes.Served.Select(s => $"{s.At:O},read,{s.Compare},{s.Progress}")
                .Concat(fakes.Posted.Select(p => $"{p.At:O},post,{p.Answer},{p.Text.ReplaceLineEndings(" ")}"))
                .Concat(kills.Select(k => $"{k:O},kill,,")));
        }

        Console.WriteLine($"faults: {fakes.Served.Count:N0} DRS answers served, {fakes.DrsFaults:N0} DRS faults; {fakes.Posted.Count:N0} Slack posts taken " +
                          $"({fakes.Posted.Count(p => p.Answer != "ok"):N0} of them answered badly), {fakes.SlackFaults:N0} refused; {fakes.HistoryLookups:N0} history lookups; " +
                          $"{fakes.DatabaseRestarts} database restarts; {kills.Count} kills");
        return Count([.. fakes.Served], [.. fakes.Posted.Select(p => (p.At, p.Text, p.Answer))], comparisons, kills);
    }

    /// <summary>The count of a run saved with --events, again: to check the counting itself against a real run.</summary>
    public static void Recount(string path)
    {
        var served = new List<(string Compare, DateTime At, double Progress)>();
        var posted = new List<(DateTime At, string Text, string Answer)>();
        var kills = new List<DateTime>();
        foreach (var line in File.ReadLines(path))
        {
            var parts = line.Split(',', 4);
            var at = DateTime.Parse(parts[0], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            switch (parts[1])
            {
                case "read": served.Add((parts[2], at, double.Parse(parts[3], CultureInfo.InvariantCulture))); break;
                case "post": posted.Add((at, parts[3], parts[2] is { Length: > 0 } answer ? answer : "ok")); break;
                default: kills.Add(at); break;
            }
        }

        kills.Sort();
        _start = served.Min(s => s.At);
        Count(served, posted, served.Select(s => s.Compare).Distinct().Count(), kills);
    }

    private static Counted Count(
        List<(string Compare, DateTime At, double Progress)> served, List<(DateTime At, string Text, string Answer)> posted, int comparisons, List<DateTime> kills)
    {
        _kills = kills;
        bool KilledWithin(DateTime at, TimeSpan after) => kills.Any(k => k >= at - KillBefore && k - at <= after);
        long transitions = 0, owedCertain = 0, lost = 0, delivered = 0;
        var duplicates = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < comparisons; i++)
        {
            var id = Id(i);
            var readings = served.Where(s => s.Compare == id).Select(s => (s.At, Kind: s.Progress >= 100 ? "100" : "50"));
            var posts = posted.Where(p => p.Text.EndsWith($"Full comparison complete: comparison {id}", StringComparison.Ordinal)).Select(p => (p.At, Kind: "post:" + p.Answer));
            var events = readings.Concat(posts).OrderBy(e => e.At).ToList();
            delivered += posts.Count();

            string? last = null;
            bool armed = false, certainArmed = false, first = true;
            long owed = 0, certainOwed = 0;
            int armedAt = -1, index = -1;
            var unmatched = new Queue<(int From, int To)>(); // certain 50 → 100 not yet accounted for by a post
            DateTime? previousPost = null;
            var previousAnswer = "none";
            foreach (var (at, kind) in events)
            {
                index++;
                if (kind.StartsWith("post:", StringComparison.Ordinal))
                {
                    if (owed > 0)
                    {
                        owed--;
                    }
                    else
                    {
                        // Why the post before it was posted again: Slack's bad answer to it, or a kill just after it.
                        var why = previousAnswer != "ok" ? "after " + previousAnswer
                            : previousPost is { } p && KilledWithin(p, PostWindow) ? "after a kill right after posting"
                            : "other";
                        duplicates[why] = duplicates.GetValueOrDefault(why) + 1;
                        Detail($"duplicate {id} at {Since(at)} ({why}); previous post {(previousPost is { } pp ? Since(pp) : "none")}");
                    }

                    certainOwed = Math.Max(0, certainOwed - 1);
                    unmatched.TryDequeue(out _);
                    previousPost = at;
                    previousAnswer = kind[5..];
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
        var reasons = duplicates.Count == 0 ? "" : " (" + string.Join(", ", duplicates.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Value} {d.Key}")) + ")";
        Console.WriteLine($"faults: lost {lost} · duplicated {duplicates.Values.Sum()}{reasons}");
        return new Counted(transitions, owedCertain, delivered, lost, duplicates.Values.Sum(), reasons);
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

        public long HistoryLookups;

        public int DatabaseRestarts;

        public volatile bool HistoryScopes = true;

        public string BaseUrl { get; private set; } = "";

        public ConcurrentQueue<(string Compare, DateTime At, double Progress)> Served { get; } = new();

        /// <summary>Posts Slack took: when, their text, their metadata id and ts, and how Slack answered.</summary>
        public ConcurrentQueue<(DateTime At, string Text, string? Id, string Ts, string Answer)> Posted { get; } = new();

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
                if (roll < 0.10)
                {
                    // Refused: nothing was taken.
                    Interlocked.Increment(ref fakes.SlackFaults);
                    http.Response.StatusCode = roll < 0.06 ? 429 : 503;
                    http.Response.Headers.RetryAfter = "1";
                    return;
                }

                var body = await JsonDocument.ParseAsync(http.Request.Body);
                var root = body.RootElement;
                var id = root.TryGetProperty("metadata", out var meta) ? meta.GetProperty("event_payload").GetProperty("id").GetString() : null;
                var ts = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000m).ToString("0.000", CultureInfo.InvariantCulture) + Interlocked.Increment(ref fakes._ts).ToString("000", CultureInfo.InvariantCulture)[^3..];
                var answer = roll switch { < 0.15 => "taken-then-500", < 0.18 => "taken-then-internal_error", < 0.20 => "taken-then-stalled", _ => "ok" };
                fakes.Posted.Enqueue((DateTime.UtcNow, root.GetProperty("text").GetString() ?? "", id, ts, answer));
                switch (answer)
                {
                    case "taken-then-500":
                        http.Response.StatusCode = 500;
                        return;
                    case "taken-then-internal_error":
                        await http.Response.WriteAsJsonAsync(new { ok = false, error = "internal_error" });
                        return;
                    case "taken-then-stalled":
                        http.Response.ContentType = "application/json";
                        await http.Response.WriteAsync("{\"ok\":true,");
                        await http.Response.Body.FlushAsync();
                        try
                        {
                            await Task.Delay(Timeout.Infinite, http.RequestAborted);
                        }
                        catch (OperationCanceledException)
                        {
                        }

                        return;
                }

                await http.Response.WriteAsJsonAsync(new { ok = true, channel = "C0FAULT", ts });
            });
            app.MapPost("/api/conversations.history", async (HttpContext http) =>
            {
                Interlocked.Increment(ref fakes.HistoryLookups);
                if (!fakes.HistoryScopes)
                {
                    return Results.Json(new { ok = false, error = "missing_scope" });
                }

                if (fakes.Faults && fakes.Roll() < 0.10)
                {
                    return Results.StatusCode(503);
                }

                var form = await http.Request.ReadFormAsync();
                var oldest = decimal.Parse(form["oldest"].ToString(), CultureInfo.InvariantCulture);
                var messages = fakes.Posted.Where(p => decimal.Parse(p.Ts, CultureInfo.InvariantCulture) >= oldest)
                    .Select(p => new { ts = p.Ts, metadata = p.Id is null ? null : new { event_type = "drsbot_notification", event_payload = new { id = p.Id } } });
                return Results.Json(new { ok = true, messages, has_more = false });
            });
            app.MapPost("/api/chat.update", () => Results.Json(new { ok = true }));
            await app.StartAsync();
            fakes.BaseUrl = app.Urls.First().TrimEnd('/') + "/";
            return fakes;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
