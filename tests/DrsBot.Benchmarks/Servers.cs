using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DrsBot.Benchmarks;

/// <summary>
/// The other processes of the <c>versus</c> benchmark, each its own OS process started from this program:
/// <c>serve drs</c> (a DRS answering like the API page's example), <c>serve bare</c> (ASP.NET Core returning 200, the
/// floor) and <c>serve passthrough</c> (<see cref="PassThrough"/>: the ceiling DrsBot is measured against).
/// </summary>
internal static class Servers
{
    public const string ApiPageExample = """
        {"full_info":{"progress":100,"src_speed":"0.00B/s","recheck_entities":0},"incre_info":{"delay":9.58,"src_speed":"0.00B/s","rps":0,"log_point":"951de1d2-61ee-11f0-8081-fa163ef20ddd:51","recheck_entities":0},"global_info":{"src_speed":"0.00B/s"}}
        """;

    public static async Task<int> RunAsync(string kind, int port, string? drs)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/readyz", () => "ok");
        // The runtime counters the benchmark reads from DrsBot's /metrics: it warms every target up the same way.
        app.MapGet("/runtime/{counter}", (string counter) => counter switch
        {
            "compiled_methods" => System.Runtime.JitInfo.GetCompiledMethodCount().ToString(CultureInfo.InvariantCulture),
            "allocated_bytes" => GC.GetTotalAllocatedBytes().ToString(CultureInfo.InvariantCulture),
            "gc_collections" => GC.CollectionCount(0).ToString(CultureInfo.InvariantCulture),
            "gc_pause_seconds" => GC.GetTotalPauseDuration().TotalSeconds.ToString(CultureInfo.InvariantCulture),
            "lock_contentions" => System.Threading.Monitor.LockContentionCount.ToString(CultureInfo.InvariantCulture),
            "server_gc" => System.Runtime.GCSettings.IsServerGC ? "1" : "0",
            "thread_pool_threads" => ThreadPool.ThreadCount.ToString(CultureInfo.InvariantCulture),
            _ => "NaN",
        });
        switch (kind)
        {
            case "drs":
                var example = Encoding.UTF8.GetBytes(ApiPageExample);
                app.MapGet("/v5/{project}/jobs/{job}/compare-progress/{compare}", async (HttpContext http) =>
                {
                    http.Response.Headers["X-Request-Id"] = "bench";
                    http.Response.ContentType = "application/json";
                    await http.Response.Body.WriteAsync(example);
                });
                break;
            case "bare":
                app.MapPost("/slack/commands", () => Results.Ok());
                break;
            case "passthrough":
                var passThrough = new PassThrough(new Uri(drs!), BotHost.Secret);
                app.MapPost("/slack/commands", (Delegate)passThrough.HandleAsync); // a route handler, as before: its IResult is written
                break;
            default:
                Console.Error.WriteLine($"unknown server {kind}: drs | bare | passthrough");
                return 2;
        }

        await app.RunAsync();
        return 0;
    }
}
