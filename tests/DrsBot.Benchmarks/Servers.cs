using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace DrsBot.Benchmarks;

/// <summary>
/// The other processes of the <c>versus</c> benchmark, each its own OS process started from this program:
/// <c>serve drs</c> (a DRS answering like the API page's example), <c>serve bare</c> (ASP.NET Core returning 200, the
/// floor) and <c>serve passthrough</c> (the least a bot could do: check the signature, make the one DRS GET, return
/// its body: the ceiling DrsBot is measured against).
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
                var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024 }) { BaseAddress = new Uri(drs!) };
                var secret = Encoding.UTF8.GetBytes(BotHost.Secret);
                app.MapPost("/slack/commands", async (HttpContext http) =>
                {
                    using var buffer = new MemoryStream();
                    await http.Request.Body.CopyToAsync(buffer);
                    var body = buffer.ToArray();
                    var ts = http.Request.Headers["X-Slack-Request-Timestamp"].ToString();
                    var presented = http.Request.Headers["X-Slack-Signature"].ToString();
                    var expected = "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, (byte[])[.. Encoding.UTF8.GetBytes($"v0:{ts}:"), .. body]));
                    if (!long.TryParse(ts, CultureInfo.InvariantCulture, out var seconds)
                        || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300
                        || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(presented)))
                    {
                        return Results.Unauthorized();
                    }

                    var ids = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body))["text"].ToString().Split(' ');
                    using var answer = await client.GetAsync($"v5/bench-project/jobs/{Uri.EscapeDataString(ids[0])}/compare-progress/{Uri.EscapeDataString(ids[1])}");
                    return Results.Text(await answer.Content.ReadAsStringAsync(), "application/json");
                });
                break;
            default:
                Console.Error.WriteLine($"unknown server {kind}: drs | bare | passthrough");
                return 2;
        }

        await app.RunAsync();
        return 0;
    }
}
