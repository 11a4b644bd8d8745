using System.Collections.Concurrent;
using System.Diagnostics;
using DrsBot.Drs;
using DrsBot.Tests.Services;
using DrsBot.Watching;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DrsBot.Benchmarks;

/// <summary>
/// Polling at scale: N watched comparisons, a DRS that takes 200 ms to answer, the real Hangfire tick driving the
/// polls on InMemory or on PostgreSQL. Prints one burst cycle (everything due at once), then steady state over two
/// intervals: DRS calls per comparison, polls that missed their interval, transactions per cycle, rows per table, memory.
/// The options are <c>scale --help</c>'s; with several replicas, that many DrsBot hosts share one PostgreSQL database
/// and its polls by lease.
/// </summary>
internal static class Scale
{
    /// <summary><paramref name="Window"/>: the steady state counted; zero for two intervals.</summary>
    internal sealed record Options(string[] Stores, int Comparisons, int Channels, TimeSpan Interval, TimeSpan Window, int Replicas);

    /// <summary>One store's figures.</summary>
    private sealed record Result(
        string Store, TimeSpan Storing, TimeSpan Burst, double CallsPerComparison, double Expected, int Missed, int TooSoon,
        double MaxGapSeconds, long? TransactionsPerCycle, long WorkingSetMiB);

    public static async Task RunAsync(Options options, Report report)
    {
        var results = new List<Result>();
        foreach (var store in options.Stores.Distinct())
        {
            results.Add(await RunAsync(options, postgres: store == "postgresql"));
        }

        var interval = options.Interval.TotalSeconds;
        report.Table(
            ["figure", .. results.Select(r => r.Store), "limit"],
            [
                ["storing the subscriptions", .. results.Select(r => $"{Report.N(r.Storing.TotalSeconds, "0.0")} s"), "none"],
                ["burst: all due at once, until each was polled", .. results.Select(r => $"{Report.N(r.Burst.TotalSeconds, "0.0")} s ({Report.N(options.Comparisons / r.Burst.TotalSeconds)} polls/s)"), "none"],
                ["DRS calls per comparison in the steady state", .. results.Select(r => Report.N(r.CallsPerComparison, "0.00")), $"{Report.N(results.FirstOrDefault()?.Expected ?? 0, "0")}: one per interval, however many channels"],
                ["polls that missed their interval", .. results.Select(r => Report.N(r.Missed)), "0"],
                ["polls sooner than half an interval", .. results.Select(r => Report.N(r.TooSoon)), "0"],
                ["longest gap between two polls of one comparison", .. results.Select(r => $"{Report.N(r.MaxGapSeconds, "0.0")} s"), $"≤ {Report.N(interval * 1.5, "0")} s (1.5 intervals)"],
                ["PostgreSQL transactions per interval", .. results.Select(r => r.TransactionsPerCycle is { } t ? Report.N(t) : "—"), "none"],
                ["process working set", .. results.Select(r => $"{Report.N(r.WorkingSetMiB)} MiB"), "none"],
            ]);
        report.Note($"{Report.N(options.Comparisons)} comparisons, each watched by {Report.N(options.Channels)} channels; `Watch:PollInterval` " +
                    $"{Report.N(interval)} s; a loopback DRS that answers in 200 ms; the real Hangfire tick" +
                    (options.Replicas > 1 ? $"; {options.Replicas} DrsBot hosts on the PostgreSQL store." : "."));
    }

    private static async Task<Result> RunAsync(Options options, bool postgres)
    {
        var (comparisons, channels, interval) = (options.Comparisons, options.Channels, options.Interval);
        var latency = TimeSpan.FromMilliseconds(200);
        var replicas = postgres ? options.Replicas : 1;
        var name = postgres ? replicas > 1 ? $"PostgreSQL ×{replicas}" : "PostgreSQL" : "InMemory";

        await using var drs = await SlowDrs.StartAsync(latency);
        var server = postgres ? PostgresServer.StartPrivate() : null;
        try
        {
            var settings = new Dictionary<string, string>
            {
                ["Drs:Endpoint"] = drs.BaseUrl,
                ["Drs:ProjectId"] = "bench",
                ["Drs:Auth:Mode"] = "Token",
                ["Drs:Auth:Token"] = "bench-token",
                ["Watch:PollInterval"] = interval.ToString(),
            };
            string? database = null;
            if (server is not null)
            {
                database = server.CreateDatabase();
                settings["Hangfire:Storage"] = "PostgreSql";
                settings["ConnectionStrings:Hangfire"] = database;
            }

            await using var bot = new BotHost(settings);
            var others = Enumerable.Range(1, replicas - 1).Select(_ => new BotHost(settings)).ToList();
            await using var stopOthers = new AsyncDisposables(others);
            var store = bot.Services.GetRequiredService<IWatchStore>();
            var time = TimeProvider.System;
            var clock = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, comparisons), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            {
                var c = new ComparisonRef("bench-job", $"cmp-{i:00000}");
                await store.UpdateAsync(c, r => Enumerable.Range(0, channels).Aggregate(r ?? new WatchRecord(c, time.GetUtcNow()), (w, ch) => w.With(new Subscription(
                    c, $"C0BENCH{ch:00}", [], "U0BENCH", time.GetUtcNow(), RuleState.Baseline(new CompareProgress(new FullCompareInfo(10, null, 0), null, null)))
                {
                    TeamId = "T0BENCH",
                    Flat = true,
                })), ct);
            });
            var storing = clock.Elapsed;
            Console.WriteLine($"scale/{name}: {comparisons * channels:N0} subscriptions over {comparisons:N0} comparisons stored in {storing.TotalSeconds:0.0} s");

            // Burst: everything due now; how long until DRS has been asked about each one once?
            drs.Calls.Clear();
            await store.PollWithinAsync(TimeSpan.Zero);
            clock.Restart();
            while (drs.Calls.Count < comparisons && clock.Elapsed < TimeSpan.FromMinutes(3))
            {
                await Task.Delay(50);
            }

            var burst = clock.Elapsed;
            Console.WriteLine($"scale/{name}: burst cycle, {comparisons} polls due at once with DRS at {latency.TotalMilliseconds:0} ms: " +
                              $"{burst.TotalSeconds:0.0} s ({comparisons / burst.TotalSeconds:0} polls/s)");

            // Steady state: two whole intervals after the burst settles on the schedule.
            await Task.Delay(interval);
            drs.Calls.Clear();
            var transactionsBefore = database is null ? 0 : await TransactionsAsync(database);
            // A longer window shows storage settle (Hangfire keeps finished jobs for 10 minutes).
            var window = options.Window > TimeSpan.Zero ? options.Window : interval * 2;
            await Task.Delay(window);
            var perComparison = drs.Calls.GroupBy(c => c.Key).ToDictionary(g => g.Key, g => g.OrderBy(c => c.At).ToList());
            var gaps = perComparison.Values.SelectMany(calls => calls.Zip(calls.Skip(1), (a, b) => b.At - a.At)).ToList();
            var missed = comparisons - perComparison.Count + gaps.Count(g => g > interval * 1.5);
            var extra = gaps.Count(g => g < interval * 0.5);
            Console.WriteLine($"scale/{name}: steady state over {window.TotalSeconds:0} s at a {interval.TotalSeconds:0} s interval: " +
                              $"{drs.Calls.Count} DRS calls for {comparisons} comparisons ({drs.Calls.Count / (double)comparisons:0.00} per comparison, expected {window / interval:0}), " +
                              $"{missed} missed intervals, {extra} polls too soon, " +
                              $"gap between polls p50 {Percentile(gaps, 0.5):0.0} s · max {(gaps.Count > 0 ? gaps.Max().TotalSeconds : 0):0.0} s");
            long? transactions = null;
            if (database is not null)
            {
                transactions = (long)((await TransactionsAsync(database) - transactionsBefore) / (window / interval));
                Console.WriteLine($"scale/{name}: storage: {transactions:N0} PostgreSQL transactions per cycle (DrsBot's and Hangfire's, from pg_stat_database)");
            }

            var workingSet = Process.GetCurrentProcess().WorkingSet64 / 1024 / 1024;
            Console.WriteLine($"scale/{name}: process working set {workingSet} MiB, managed heap {GC.GetTotalMemory(false) / 1024 / 1024} MiB");

            if (database is not null)
            {
                await PrintRowsAsync(name, database);
            }

            return new Result(name, storing, burst, drs.Calls.Count / (double)comparisons, window / interval, missed, extra,
                gaps.Count > 0 ? gaps.Max().TotalSeconds : 0, transactions, workingSet);
        }
        finally
        {
            server?.Stop(immediate: true);
        }
    }

    private sealed class AsyncDisposables(IEnumerable<IAsyncDisposable> items) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var item in items)
            {
                await item.DisposeAsync();
            }
        }
    }

    private static async Task<long> TransactionsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static double Percentile(List<TimeSpan> values, double p) =>
        values.Count == 0 ? 0 : values.Order().ElementAt((int)Math.Min(values.Count - 1, values.Count * p)).TotalSeconds;

    private static async Task PrintRowsAsync(string name, string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT schemaname || '.' || relname, n_live_tup FROM pg_stat_user_tables
            WHERE n_live_tup > 0 ORDER BY n_live_tup DESC
            """, connection);
        var rows = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add($"{reader.GetString(0)} {reader.GetInt64(1)}");
            }
        }

        await using var size = new NpgsqlCommand("SELECT pg_size_pretty(pg_database_size(current_database()))", connection);
        Console.WriteLine($"scale/{name}: rows per table (live): {string.Join(", ", rows)}; database size {await size.ExecuteScalarAsync()}");
    }

    /// <summary>A loopback DRS that answers like the API page's example after a fixed delay, and counts calls.</summary>
    private sealed class SlowDrs : IAsyncDisposable
    {
        private WebApplication _app = null!;

        public ConcurrentBag<(string Key, DateTime At)> Calls { get; private set; } = [];

        public string BaseUrl { get; private set; } = "";

        public static async Task<SlowDrs> StartAsync(TimeSpan latency)
        {
            var drs = new SlowDrs();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            drs._app = builder.Build();
            drs._app.MapGet("/v5/{project}/jobs/{job}/compare-progress/{compare}", async (string job, string compare) =>
            {
                drs.Calls.Add(($"{job}:{compare}", DateTime.UtcNow));
                await Task.Delay(latency);
                return Results.Text("""{"full_info":{"progress":50,"src_speed":"1MB/s","recheck_entities":0},"global_info":{"src_speed":"1MB/s"}}""", "application/json");
            });
            await drs._app.StartAsync();
            drs.BaseUrl = drs._app.Urls.First();
            return drs;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
