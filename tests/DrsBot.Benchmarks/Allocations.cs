using System.Globalization;
using System.Text;
using System.Text.Json;
using DrsBot.Commands;
using DrsBot.Drs;
using DrsBot.Features.Progress;
using DrsBot.Infrastructure;
using DrsBot.Slack;
using DrsBot.Watching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DrsBot.Benchmarks;

/// <summary>
/// Bytes allocated (and, less exactly, microseconds spent) by each stage of answering one <c>/drs-progress</c> command, measured on one thread
/// (GC.GetAllocatedBytesForCurrentThread) over many repetitions: deterministic, so a change shows as a before-and-after
/// figure. One more line, apart from the sum: the DRS call's machinery (typed client, auth and resilience handlers,
/// DrsClient's reading, metrics) over an answer from memory, so without sockets. Kestrel and the sockets are in the
/// <c>versus</c> total.
/// </summary>
internal static class Allocations
{
    /// <summary>How many times each stage runs once warmed up, and how long it runs first (JIT, caches, tiering).</summary>
    internal sealed record Options(int Repetitions, TimeSpan WarmUp);

    public static Task RunAsync(Options options, Report report)
    {
        var rows = new List<string[]>();
        long Measure(string name, Action run, bool processWide = false)
        {
            var (bytes, micros) = MeasureStage(options, run, processWide);
            Console.WriteLine($"  {name,-48} {bytes,7:N0} B {micros,8:0.0} µs");
            rows.Add([name, $"{Report.N(bytes)} B", $"{Report.N(micros, "0.0")} µs"]);
            return bytes;
        }

        var secret = BotHost.Secret;
        var body = Encoding.UTF8.GetBytes(
            "token=x&team_id=T0BENCH&team_domain=bench&channel_id=C0BENCH&channel_name=ops&user_id=U0BENCH&user_name=alice" +
            "&command=%2Fdrs-progress&text=9cbfd380-bdb1-43b2-9db9-3de2987jb201+b13b233a-4b9e-4b06-a928-19a0c93f6109" +
            "&api_app_id=A0APP&is_enterprise_install=false&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT0%2F1%2Fabc&trigger_id=1.2.3");
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var ts = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = SlackSignature.Compute(secret, ts, body);
        var drsAnswer = Encoding.UTF8.GetBytes(Servers.ApiPageExample);
        var comparison = new ComparisonRef("9cbfd380-bdb1-43b2-9db9-3de2987jb201", "b13b233a-4b9e-4b06-a928-19a0c93f6109");
        var progress = JsonSerializer.Deserialize<CompareProgress>(drsAnswer, DrsJson.Options)!;
        var console = new Uri("https://console-intl.huaweicloud.com/drs/?region=ap-southeast-1#/drs/migration/detail?jobId=x");
        // A history as questions leave it after a few minutes: a reading every 20 s, the newest replaced in between.
        var pace = PaceHistory.Empty;
        for (var i = 10; i >= 1; i--)
        {
            pace = pace.Add(now.AddSeconds(-20 * i), 50 - i);
        }

        var message = ProgressMessages.Render(comparison, progress, now, ProgressMessages.Buttons(comparison, false, console), TimeSpan.FromMinutes(11));

        var stages = new (string Name, Action Run)[]
        {
            ("verify the Slack signature", () => SlackSignature.IsValid(secret, ts, signature, body, now)),
            ("parse the form into a SlashCommand", () => SlashCommand.FromForm(body)),
            ("parse the command text", () => CommandParser.Parse("9cbfd380-bdb1-43b2-9db9-3de2987jb201 b13b233a-4b9e-4b06-a928-19a0c93f6109")),
            ("read DRS's answer (JSON)", () => System.Text.Json.JsonSerializer.Deserialize<CompareProgress>(drsAnswer, DrsJson.Options)),
            ("ETA: add a reading, estimate", () => pace.Add(now, 50).Eta()),
            ("render the Block Kit card", () => ProgressMessages.Render(comparison, progress, now, ProgressMessages.Buttons(comparison, false, console), TimeSpan.FromMinutes(11))),
            ("serialize the reply (JSON)", () => SlackReply.Write(message)),
        };

        Console.WriteLine($"allocations per command, by stage ({options.Repetitions:N0} repetitions each, one thread):");
        long sum = 0;
        foreach (var (name, run) in stages)
        {
            sum += Measure(name, run);
        }

        Console.WriteLine($"  {"sum of these stages",-48} {sum,7:N0} B ({sum / 1024.0:0.0} KiB)");
        rows.Add(["**the stages above together**", $"**{Report.N(sum)} B**", ""]);

        // DRS by region, as the README's production command configures it (nothing is called here).
        using (var bot = new BotHost(new() { ["Drs:Region"] = "ap-southeast-1", ["Drs:ProjectId"] = "bench-project", ["Drs:Auth:Mode"] = "Token", ["Drs:Auth:Token"] = "bench-token" }))
        {
            // What the endpoint's parameter binding does per command: a request scope, the router and all it holds.
            var scopes = bot.Services.GetRequiredService<IServiceScopeFactory>();
            Measure("the command's services (a request scope)", () =>
            {
                using var scope = scopes.CreateScope();
                scope.ServiceProvider.GetRequiredService<CommandRouter>();
            });

            // The ETA as a command gets it when nobody watches the comparison: the router's own code reads the record
            // and the pace from the (in-memory) store, adds this reading and saves the pace back.
            bot.Services.GetRequiredService<IWatchStore>().SavePaceAsync(comparison, pace, now.AddHours(1)).GetAwaiter().GetResult();
            var command = SlashCommand.FromForm(body);
            using var commandScope = scopes.CreateScope();
            var progressHandler = commandScope.ServiceProvider.GetRequiredService<ProgressHandler>();
            Measure("the ETA through the store (ProgressHandler code)", () =>
            {
                if (progressHandler.WhatStorageKnowsAsync(command, comparison, progress, now, CancellationToken.None).GetAwaiter().GetResult().Subscribed)
                {
                    throw new InvalidOperationException("The comparison was not expected to be watched.");
                }
            });
        }

        foreach (var (name, auth) in new[] { ("the DRS call's machinery (no sockets)", "Token"), ("  the same, signed with AK/SK", "AkSk") })
        {
            using var drs = DrsCallMachinery(drsAnswer, auth);
            var client = drs.Services.GetRequiredService<IDrsClient>();
            Measure(name, () =>
            {
                // The answer comes a moment later, as over a socket: every async layer suspends and resumes (on the
                // thread pool; nothing else runs in this process, so the whole process's count is this call's).
                if (client.GetCompareProgressAsync(comparison, DrsCallKind.Interactive, CancellationToken.None).GetAwaiter().GetResult() is not ProgressRead)
                {
                    throw new InvalidOperationException("The DRS call did not read the answer.");
                }
            }, processWide: true);
        }

        // For scale: the pass-through's GET, a plain HttpClient reading the same answer from memory the same way.
        using var plain = new HttpClient(new AnswerFromMemory(drsAnswer));
        var address = new Uri("http://127.0.0.1:9/v5/bench-project/jobs/bench-job/compare-progress/cmp-1");
        Measure("  a plain HttpClient GET, for scale", () =>
        {
            using var response = plain.GetAsync(address).GetAwaiter().GetResult();
            response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        }, processWide: true);

        report.Table(["stage of one command", "allocated", "time"], rows);
        report.Note($"One thread, {Report.N(options.Repetitions)} repetitions of each stage after {Report.N(options.WarmUp.TotalSeconds, "0.#")} s of warm-up. " +
                    "No limit applies to a stage: the limit (24 KiB and 60 µs a command beyond the host) is `versus`'s, over the whole path. " +
                    "The DRS call's lines count the whole process's allocations, the others this thread's.");
        return Task.CompletedTask;
    }

    private static (long Bytes, double Micros) MeasureStage(Options options, Action run, bool processWide)
    {
        Func<long> allocated = processWide ? () => GC.GetTotalAllocatedBytes(precise: true) : GC.GetAllocatedBytesForCurrentThread;
        // Warm-up: JIT, caches and tiering, which promotes hot code only after it has run for a while.
        for (var warm = System.Diagnostics.Stopwatch.StartNew(); warm.Elapsed < options.WarmUp;)
        {
            run();
        }

        var before = allocated();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var i = 0; i < options.Repetitions; i++)
        {
            run();
        }

        var micros = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMicroseconds / options.Repetitions;
        return ((allocated() - before) / options.Repetitions, micros);
    }

    /// <summary>
    /// DRS's typed client as the app registers it (<c>AddDrs</c>, Token or AK/SK auth, Production logging levels), its
    /// sockets swapped for an answer from memory that comes a moment later, so every async layer waits as on a socket.
    /// </summary>
    private static IHost DrsCallMachinery(byte[] answer, string auth)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new() { EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Drs:Endpoint"] = "http://127.0.0.1:9/",
            ["Drs:ProjectId"] = "bench-project",
            ["Drs:Auth:Mode"] = auth,
            ["Drs:Auth:Token"] = "bench-token",
            ["Drs:Auth:AccessKey"] = "BENCHACCESSKEY0000000",
            ["Drs:Auth:SecretKey"] = "bench-secret-key-0000000000000000000000",
            ["Drs:MaxCallsPerMinute"] = "1000000", // the machinery is measured, not the budget's refusals
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
        });
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Services.AddSingleton(TimeProvider.System).AddMetrics().AddSingleton<DrsBotMetrics>();
        builder.Services.ConfigureHttpClientDefaults(http => http.RemoveAllLoggers()); // as AddServiceDefaults does
        builder.Services.AddDrs();
        builder.Services.AddHttpClient(nameof(IDrsClient)).ConfigurePrimaryHttpMessageHandler(() => new AnswerFromMemory(answer));
        return builder.Build();
    }

    private sealed class AnswerFromMemory(byte[] answer) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Yield();
            return new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new ByteArrayContent(answer), RequestMessage = request };
        }
    }
}
