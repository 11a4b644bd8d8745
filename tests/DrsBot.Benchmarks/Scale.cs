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
/// SCALE_COMPARISONS (1000), SCALE_CHANNELS (subscriptions per comparison, 1), SCALE_INTERVAL (seconds, 30), SCALE_SECONDS,
/// SCALE_REPLICAS (PostgreSQL only, 1): that many DrsBot hosts on the one database, sharing the polls by lease.
/// </summary>
internal static class Scale
{
    public static Task InMemoryAsync() => RunAsync(postgres: false);

    public static Task PostgreSqlAsync() => RunAsync(postgres: true);

    private static async Task RunAsync(bool postgres)
    {
        var comparisons = Setting("SCALE_COMPARISONS", 1000);
        var channels = Setting("SCALE_CHANNELS", 1); // subscriptions per comparison: 10 gives the issue's 10,000 over 1,000
        var interval = TimeSpan.FromSeconds(Setting("SCALE_INTERVAL", 30));
        var latency = TimeSpan.FromMilliseconds(200);
        var replicas = postgres ? Setting("SCALE_REPLICAS", 1) : 1;
        var name = postgres ? replicas > 1 ? $"PostgreSql×{replicas}" : "PostgreSql" : "InMemory";

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
            Console.WriteLine($"scale/{name}: {comparisons * channels:N0} subscriptions over {comparisons:N0} comparisons stored in {clock.Elapsed.TotalSeconds:0.0} s");

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
            // SCALE_SECONDS runs longer, to see storage settle (Hangfire keeps finished jobs for 10 minutes).
            var window = Environment.GetEnvironmentVariable("SCALE_SECONDS") is { } seconds
                ? TimeSpan.FromSeconds(int.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture))
                : interval * 2;
            await Task.Delay(window);
            var perComparison = drs.Calls.GroupBy(c => c.Key).ToDictionary(g => g.Key, g => g.OrderBy(c => c.At).ToList());
            var gaps = perComparison.Values.SelectMany(calls => calls.Zip(calls.Skip(1), (a, b) => b.At - a.At)).ToList();
            var missed = comparisons - perComparison.Count + gaps.Count(g => g > interval * 1.5);
            var extra = gaps.Count(g => g < interval * 0.5);
            Console.WriteLine($"scale/{name}: steady state over {window.TotalSeconds:0} s at a {interval.TotalSeconds:0} s interval: " +
                              $"{drs.Calls.Count} DRS calls for {comparisons} comparisons ({drs.Calls.Count / (double)comparisons:0.00} per comparison, expected {window / interval:0}), " +
                              $"{missed} missed intervals, {extra} polls too soon, " +
                              $"gap between polls p50 {Percentile(gaps, 0.5):0.0} s · max {(gaps.Count > 0 ? gaps.Max().TotalSeconds : 0):0.0} s");
            if (database is not null)
            {
                Console.WriteLine($"scale/{name}: storage: {(await TransactionsAsync(database) - transactionsBefore) / (window / interval):N0} PostgreSQL transactions per cycle " +
                                  "(DrsBot's and Hangfire's, from pg_stat_database)");
            }

            Console.WriteLine($"scale/{name}: process working set {Process.GetCurrentProcess().WorkingSet64 / 1024 / 1024} MiB, managed heap {GC.GetTotalMemory(false) / 1024 / 1024} MiB");

            if (database is not null)
            {
                await PrintRowsAsync(name, database);
            }
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

    private static int Setting(string name, int fallback) =>
        int.Parse(Environment.GetEnvironmentVariable(name) ?? fallback.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);

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
