using System.Diagnostics;
using DrsBot.Tests.Fakes;

namespace DrsBot.Tests.EndToEnd;

/// <summary>Start-up as an operator sees it: the real process, its exit code and what it prints.</summary>
public sealed class StartupProcessTests
{
    /// <summary>Runs the built DrsBot.dll in Production with these environment variables until it exits.</summary>
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string> environment)
    {
        var dll = Directory.GetFiles(Repository.Path("src", "DrsBot", "bin"), "DrsBot.dll", SearchOption.AllDirectories)
            .OrderByDescending(File.GetLastWriteTimeUtc).First();
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>A complete Production configuration, with <paramref name="changes"/> applied last.</summary>
    private static Dictionary<string, string> Valid(params (string Key, string Value)[] changes)
    {
        var environment = new Dictionary<string, string>
        {
            ["Slack__SigningSecret"] = "0123456789abcdef0123456789abcdef",
            ["Slack__BotToken"] = "xoxb-1",
            ["Drs__Endpoint"] = "https://drs.example.com",
            ["Drs__ProjectId"] = "p1",
            ["Drs__Auth__Token"] = "t",
        };
        foreach (var (key, value) in changes)
        {
            environment[key] = value;
        }

        return environment;
    }

    [Fact]
    public async Task Missing_settings_in_production_exit_1_with_a_list_of_keys_not_a_stack_trace()
    {
        var (exitCode, stdout, report) = await RunAsync(
            new[] { "Slack__SigningSecret", "Slack__BotToken", "Drs__Endpoint", "Drs__Region", "Drs__ProjectId", "Drs__Auth__Token" }
                .ToDictionary(key => key, _ => ""));

        Assert.Equal(1, exitCode);
        Assert.Contains("DrsBot cannot start: its configuration is incomplete.", report, StringComparison.Ordinal);
        foreach (var line in new[] { "  - Slack:SigningSecret is required", "  - Slack:BotToken is required", "  - Drs:Endpoint or Drs:Region is required", "  - Drs:ProjectId is required", "  - Drs:Auth:Token is required" })
        {
            Assert.Contains(line, report, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("simulator", stdout + report, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("Drs__Endpoint", "http://drs.example.com", "Drs:Endpoint must use https outside Development")]
    [InlineData("Slack__ApiBaseUrl", "http://slack.example.com/api/", "Slack:ApiBaseUrl must use https outside Development")]
    [InlineData("Slack__SigningSecret", "short-secret", "Slack:SigningSecret must be at least 32 characters")]
    public async Task Laptop_settings_in_production_exit_1_naming_the_key(string key, string value, string expected)
    {
        var (exitCode, _, report) = await RunAsync(Valid((key, value)));

        Assert.Equal(1, exitCode);
        Assert.Contains(expected, report, StringComparison.Ordinal);
        if (key == "Slack__SigningSecret")
        {
            Assert.DoesNotContain(value, report, StringComparison.Ordinal); // the key is named, the secret never echoed
        }
    }

    /// <summary>Issue 29, defect 9: these ended start-up with a stack trace before (or instead of) the list.</summary>
    [Theory]
    [InlineData("Hangfire__Dashboard__Password", "too-short", "Hangfire:Dashboard:Password must be at least 16 characters")]
    [InlineData("Watch__PollInterval", "abc", "'abc' at 'Watch:PollInterval'")]
    [InlineData("Watch__PollDeadline", "forever", "'forever' at 'Watch:PollDeadline'")]
    public async Task A_bad_value_is_listed_without_a_stack_trace(string key, string value, string expected)
    {
        var (exitCode, stdout, report) = await RunAsync(Valid(
            ("Hangfire__Dashboard__Enabled", "true"), ("Hangfire__Dashboard__Username", "ops"),
            ("Hangfire__Dashboard__Password", "a-long-enough-password"), (key, value)));

        Assert.Equal(1, exitCode);
        Assert.Contains("DrsBot cannot start: its configuration is incomplete.", report, StringComparison.Ordinal);
        Assert.Contains(expected, report, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + report, StringComparison.Ordinal); // no stack frame anywhere
        Assert.DoesNotContain("Unhandled exception", stdout + report, StringComparison.Ordinal);
        Assert.DoesNotContain("\"LogLevel\":\"Error\"", stdout + report, StringComparison.Ordinal);
    }
}
