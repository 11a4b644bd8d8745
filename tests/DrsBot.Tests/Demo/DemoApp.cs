using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DrsBot.Tests.Demo;

/// <summary>
/// DrsBot exactly as <c>dotnet run</c> starts it: Development, no settings at all, on a real Kestrel port
/// (the simulator and the console talk to the bot over HTTP, as a browser does).
/// </summary>
public sealed class DemoApp : WebApplicationFactory<Program>
{
    private readonly Action<IServiceCollection>? _services;
    private readonly Dictionary<string, string>? _settings;

    public DemoApp(Action<IServiceCollection>? services = null, Dictionary<string, string>? settings = null)
    {
        _services = services;
        _settings = settings;
        // The port comes from the app's own URL setting, not UseKestrel(0): the factory sets that port on the built host
        // while the app's Main, running on, may already be starting Kestrel, and then the factory's start throws.
        UseKestrel();
        StartServer();
    }

    public IReadOnlyList<string> Addresses =>
        [.. Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses];

    public Uri BaseUrl => new(Addresses.First(a => a.Contains("127.0.0.1", StringComparison.Ordinal) || a.Contains("localhost", StringComparison.Ordinal))
        .Replace("localhost", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting(WebHostDefaults.ServerUrlsKey, "http://127.0.0.1:0");
        foreach (var (key, value) in _settings ?? [])
        {
            builder.UseSetting(key, value);
        }

        if (_services is not null)
        {
            builder.ConfigureServices(_services);
        }
    }

    public async Task<JsonElement> SimulatorAsync(string compareId)
    {
        using var http = Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"simulator/drs/v5/demo-project/jobs/demo-job/compare-progress/{compareId}");
        request.Headers.Add("X-Auth-Token", "anything");
        using var response = await http.SendAsync(request);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public HttpClient Http() => new() { BaseAddress = BaseUrl };

    public async Task SendAsync(string text)
    {
        using var http = Http();
        using var response = await http.PostAsJsonAsync("console/api/commands", new { text });
        response.EnsureSuccessStatusCode();
    }

    public async Task<IReadOnlyList<JsonElement>> EntriesAsync()
    {
        using var http = Http();
        return [.. (await http.GetFromJsonAsync<JsonElement>("console/api/entries")).EnumerateArray()];
    }

    public async Task<JsonElement> WaitForEntryAsync(Func<JsonElement, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var found = (await EntriesAsync()).FirstOrDefault(match);
            if (found.ValueKind != JsonValueKind.Undefined)
            {
                return found;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("The console never showed the expected entry: " +
                                   string.Join(" | ", (await EntriesAsync()).Select(e => e.GetProperty("message").ToString())));
    }

    public static string Kind(JsonElement entry) => entry.GetProperty("kind").GetString()!;

    public static string Text(JsonElement entry) =>
        entry.GetProperty("message").TryGetProperty("text", out var t) ? t.GetString() ?? "" : "";
}
