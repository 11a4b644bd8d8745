using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace DrsBot.Tests.Fakes;

/// <summary>
/// DrsBot as its own operating-system process (the built DrsBot.dll, Production), for what only a real process
/// shows: a SIGKILL in the middle of things, two replicas that share nothing but the database.
/// </summary>
public sealed class BotProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly HttpClient _http = new();

    private BotProcess(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>What a production DrsBot needs to answer commands from <paramref name="drs"/> with a token, and <paramref name="more"/>.</summary>
    public static Dictionary<string, string> Settings(FakeDrs drs, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["Slack:SigningSecret"] = DrsBotApp.SigningSecret,
            ["Slack:BotToken"] = DrsBotApp.BotToken,
            ["Drs:Endpoint"] = drs.BaseUrl.ToString(),
            ["Drs:ProjectId"] = DrsBotApp.ProjectId,
            ["Drs:Auth:Mode"] = "Token",
            ["Drs:Auth:Token"] = DrsBotApp.DrsToken,
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    public static async Task<BotProcess> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        // The port is found free here and bound by the new process a moment later: another test's server can take it in
        // between. Then the process exits saying so, and a fresh port is tried.
        for (var attempt = 1; ; attempt++)
        {
            var bot = Launch(settings);
            try
            {
                await bot.WaitUntilReadyAsync();
                return bot;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                if (bot._process.HasExited)
                {
                    bot._process.WaitForExit(); // its output read to the end
                }

                var output = bot.Output;
                await bot.DisposeAsync();
                if (!output.Contains("address already in use", StringComparison.Ordinal))
                {
                    throw;
                }
            }
        }
    }

    private static BotProcess Launch(IReadOnlyDictionary<string, string> settings)
    {
        var dll = Directory.GetFiles(Repository.Path("src", "DrsBot", "bin"), "DrsBot.dll", SearchOption.AllDirectories)
            .OrderByDescending(File.GetLastWriteTimeUtc).First();
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var bot = new BotProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}/"));
        bot._process.OutputDataReceived += (_, e) => bot.Append(e.Data);
        bot._process.ErrorDataReceived += (_, e) => bot.Append(e.Data);
        bot._process.BeginOutputReadLine();
        bot._process.BeginErrorReadLine();
        return bot;
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var response = await _http.GetAsync(new Uri(BaseUrl, "readyz"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        throw new InvalidOperationException($"DrsBot did not become ready:\n{Output}");
    }

    /// <summary>Sends <c>/drs-progress {text}</c>, signed as Slack signs it, and returns the reply's JSON.</summary>
    public async Task<JsonElement> CommandAsync(string text, string channel) =>
        JsonDocument.Parse(await PostSignedAsync("slack/commands", DrsBotApp.CommandBody(text, channel))).RootElement.Clone();

    /// <summary>Presses a button: posts a block_actions payload (<c>InteractionTests.Payload</c>), signed as Slack signs it.</summary>
    public Task PressAsync(string payloadBody) => PostSignedAsync("slack/interactions", payloadBody);

    private async Task<string> PostSignedAsync(string path, string body)
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUrl, path))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add("X-Slack-Request-Timestamp", ts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("X-Slack-Signature", DrsBotApp.Sign(body, ts));
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}: {text}");
        return text;
    }

    /// <summary>
    /// SIGTERM, as a deploy stops a pod, and waits for the process to exit: every line it logged is then in
    /// <see cref="Output"/>, which is what a test of its logs must wait for (not a guess at how long flushing takes).
    /// </summary>
    public async Task StopAsync()
    {
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])))
        {
            await kill!.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>SIGKILL: no shutdown, no flush, as when a node dies.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
        _http.Dispose();
        await Task.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
