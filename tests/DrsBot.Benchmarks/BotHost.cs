using System.Globalization;
using System.Text;
using DrsBot.Slack;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DrsBot.Benchmarks;

/// <summary>
/// DrsBot on a real Kestrel port in Development: DRS is the built-in simulator (over HTTP) unless an endpoint is
/// given, channel messages go to the in-memory console. Requests are signed exactly as Slack signs them.
/// </summary>
internal sealed class BotHost : WebApplicationFactory<Program>
{
    public const string Secret = "benchmark-signing-secret-0123456789abcdef";
    private readonly Dictionary<string, string> _settings;

    public BotHost(Dictionary<string, string>? settings = null)
    {
        _settings = settings ?? [];
        // WebApplicationFactory finds a test project's content root by convention; a console app names it.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_DRSBOT", SourceDirectory());
        UseKestrel(0);
        StartServer();
    }

    public static string SourceDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DrsBot.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? Directory.GetCurrentDirectory(), "src", "DrsBot");
    }

    public Uri BaseUrl => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Slack:SigningSecret", Secret);
        builder.UseSetting("Watch:PollInterval", "01:00:00");
        builder.UseSetting("Slack:RateLimit:PerUserPerMinute", "10000000"); // a load test is one user sending everything
        builder.UseSetting("Slack:RateLimit:PerTeamPerMinute", "10000000");
        builder.UseSetting("Drs:MaxCallsPerMinute", "1000000"); // nor the DRS call budget (scale sets its own to measure it)
        builder.UseSetting("Logging:LogLevel:Default", "Error");
        builder.UseSetting("Logging:LogLevel:DrsBot", "Error");
        builder.UseSetting("Logging:LogLevel:Polly", "None");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public static HttpRequestMessage Command(Uri baseUrl, string text, string channel = "C0BENCH", bool sign = true)
    {
        var body = $"team_id=T0BENCH&channel_id={channel}&user_id=U0BENCH&command=%2Fdrs-progress&text={Uri.EscapeDataString(text)}&response_url={Uri.EscapeDataString(new Uri(baseUrl, "console/response/none").ToString())}";
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "slack/commands"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", sign ? SlackSignature.Compute(Secret, ts, Encoding.UTF8.GetBytes(body)) : "v0=" + new string('0', 64));
        return request;
    }
}
