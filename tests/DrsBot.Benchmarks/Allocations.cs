using System.Globalization;
using System.Text;
using System.Text.Json;
using DrsBot.Commands;
using DrsBot.Drs;
using DrsBot.Rendering;
using DrsBot.Slack;
using DrsBot.Watching;

namespace DrsBot.Benchmarks;

/// <summary>
/// Bytes allocated (and, less exactly, microseconds spent) by each stage of answering one <c>/drs-progress</c> command, measured on one thread
/// (GC.GetAllocatedBytesForCurrentThread) over many repetitions: deterministic, so a change shows as a before-and-after
/// figure. The HTTP layers around them (Kestrel, HttpClient, the resilience pipeline) are in the <c>versus</c> total.
/// </summary>
internal static class Allocations
{
    private const int Repetitions = 20_000;

    public static Task RunAsync()
    {
        var secret = BotHost.Secret;
        var body = Encoding.UTF8.GetBytes(
            "token=x&team_id=T0BENCH&team_domain=bench&channel_id=C0BENCH&channel_name=ops&user_id=U0BENCH&user_name=alice" +
            "&command=%2Fdrs-progress&text=9cbfd380-bdb1-43b2-9db9-3de2987jb201+b13b233a-4b9e-4b06-a928-19a0c93f6109" +
            "&api_app_id=A0APP&is_enterprise_install=false&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT0%2F1%2Fabc&trigger_id=1.2.3");
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var ts = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = SlackSignature.Compute(secret, ts, body);
        var drsAnswer = Encoding.UTF8.GetBytes(Servers.ApiPageExample);
        var replyBuffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        var comparison = new ComparisonRef("9cbfd380-bdb1-43b2-9db9-3de2987jb201", "b13b233a-4b9e-4b06-a928-19a0c93f6109");
        var progress = JsonSerializer.Deserialize<CompareProgress>(drsAnswer, DrsJson.Options)!;
        var console = new Uri("https://console-intl.huaweicloud.com/drs/?region=ap-southeast-1#/drs/migration/detail?jobId=x");
        var pace = PaceHistory.Empty.Add(now.AddMinutes(-2), 40).Add(now.AddMinutes(-1), 45);
        var message = ProgressMessages.Render(comparison, progress, now, ProgressMessages.Buttons(comparison, false, console), TimeSpan.FromMinutes(11));

        var stages = new (string Name, Action Run)[]
        {
            ("verify the Slack signature", () => SlackSignature.IsValid(secret, ts, signature, body, now)),
            ("parse the form into a SlashCommand", () => SlashCommand.FromForm(body)),
            ("parse the command text", () => CommandParser.Parse("9cbfd380-bdb1-43b2-9db9-3de2987jb201 b13b233a-4b9e-4b06-a928-19a0c93f6109")),
            ("read DRS's answer (JSON)", () => JsonSerializer.Deserialize<CompareProgress>(drsAnswer, DrsJson.Options)),
            ("ETA: add a reading, estimate", () => pace.Add(now, 50).Eta()),
            ("render the Block Kit card", () => ProgressMessages.Render(comparison, progress, now, ProgressMessages.Buttons(comparison, false, console), TimeSpan.FromMinutes(11))),
            ("serialize the reply (JSON)", () =>
            {
                replyBuffer.ResetWrittenCount(); // Kestrel's buffers are pooled too
                SlackReply.Write(replyBuffer, message);
            }),
        };

        Console.WriteLine($"allocations per command, by stage ({Repetitions:N0} repetitions each, one thread):");
        long sum = 0;
        foreach (var (name, run) in stages)
        {
            // Warm-up: JIT, caches and tiering, which promotes hot code only after it has run for a while.
            for (var warm = System.Diagnostics.Stopwatch.StartNew(); warm.Elapsed < TimeSpan.FromSeconds(2);)
            {
                run();
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            for (var i = 0; i < Repetitions; i++)
            {
                run();
            }

            var micros = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMicroseconds / Repetitions;
            var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / Repetitions;
            sum += perCall;
            Console.WriteLine($"  {name,-40} {perCall,7:N0} B {micros,8:0.0} µs");
        }

        Console.WriteLine($"  {"sum of these stages",-40} {sum,7:N0} B ({sum / 1024.0:0.0} KiB)");
        return Task.CompletedTask;
    }
}
