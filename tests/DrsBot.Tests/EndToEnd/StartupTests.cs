using DrsBot.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DrsBot.Tests.EndToEnd;

public sealed class StartupTests
{
    [Fact]
    public async Task Production_with_missing_settings_refuses_to_start_and_names_the_keys()
    {
        await using var drs = new FakeDrs();
        await using var slack = new FakeSlack();
        await drs.StartAsync();
        await slack.StartAsync();
        var error = await StartupFailureAsync(() => new DrsBotApp(drs, slack, new Dictionary<string, string?>
        {
            ["Slack:SigningSecret"] = "",
            ["Slack:BotToken"] = null,
            ["Drs:ProjectId"] = "",
            ["Drs:Auth:Token"] = "",
            ["Drs:Language"] = "fr-fr",
            ["Drs:InteractiveAttemptTimeout"] = "00:00:00",
        }));

        var messages = Flatten(error);
        Assert.Contains("Slack:SigningSecret is required", messages, StringComparison.Ordinal);
        Assert.Contains("Drs:ProjectId is required", messages, StringComparison.Ordinal);
        Assert.Contains("Drs:Auth:Token is required", messages, StringComparison.Ordinal);
        Assert.Contains("Drs:Language must be en-us or zh-cn", messages, StringComparison.Ordinal);
        Assert.Contains("Drs:InteractiveAttemptTimeout must be between 10 milliseconds and 1 hour", messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_profile_refuses_to_start_and_names_the_key_inside_it()
    {
        await using var drs = new FakeDrs();
        await using var slack = new FakeSlack();
        await drs.StartAsync();
        await slack.StartAsync();
        var error = await StartupFailureAsync(() => new DrsBotApp(drs, slack, new Dictionary<string, string?>
        {
            ["Drs:Profiles:staging:Region"] = "ap-southeast-3",
            ["Drs:Profiles:staging:ProjectId"] = "p2",
            ["Drs:Profiles:staging:Auth:Mode"] = "AkSk",
            ["Drs:Profiles:staging:Auth:AccessKey"] = "AK",
            ["Drs:Profiles:staging:CommandShare"] = "2",
            ["Drs:Profiles:staging:AllowedChannels:0"] = "#general",
            ["Drs:Profiles:Bad_Name:ProjectId"] = "p3",
        }));

        var messages = Flatten(error);
        Assert.Contains("Drs:Profiles:staging:Auth:SecretKey is required", messages, StringComparison.Ordinal);
        Assert.Contains("Drs:Profiles:staging:CommandShare must be between 0 and 0.9", messages, StringComparison.Ordinal);
        Assert.Contains("Drs:Profiles:staging:AllowedChannels must list channel ids", messages, StringComparison.Ordinal);
        Assert.Contains("Drs:Profiles:Bad_Name is not a profile name", messages, StringComparison.Ordinal);
        Assert.DoesNotContain("Drs:Auth:", messages, StringComparison.Ordinal); // the default profile is fine
    }

    [Fact]
    public async Task PostgreSql_storage_without_a_connection_string_refuses_to_start_and_names_the_key()
    {
        await using var drs = new FakeDrs();
        await using var slack = new FakeSlack();
        await drs.StartAsync();
        await slack.StartAsync();
        var error = await StartupFailureAsync(() => new DrsBotApp(drs, slack, new Dictionary<string, string?> { ["Hangfire:Storage"] = "PostgreSql" }));
        Assert.True(Flatten(error).Contains("ConnectionStrings:Hangfire (needed because Hangfire:Storage is PostgreSql)", StringComparison.Ordinal), error.ToString());
    }

    [Theory]
    [InlineData("", "Slack:AppToken is required")]
    [InlineData("xoxb-not-an-app-token", "Slack:AppToken must be an app-level token (xapp-…)")]
    public async Task Socket_mode_without_an_app_token_refuses_to_start_and_names_the_key(string token, string named)
    {
        await using var drs = new FakeDrs();
        await using var slack = new FakeSlack();
        await drs.StartAsync();
        await slack.StartAsync();
        var error = await StartupFailureAsync(() => new DrsBotApp(drs, slack, new Dictionary<string, string?> { ["Slack:Mode"] = "Socket", ["Slack:AppToken"] = token }));
        Assert.True(Flatten(error).Contains(named, StringComparison.Ordinal), error.ToString());
        Assert.DoesNotContain("xoxb-not-an-app-token", Flatten(error), StringComparison.Ordinal); // a secret is named, never shown
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("InMemory", true)]
    [InlineData("PostgreSql", false)]
    public async Task Production_on_in_memory_storage_warns_once_that_a_restart_forgets_everything(string? storage, bool warns)
    {
        await using var drs = new FakeDrs();
        await using var slack = new FakeSlack();
        await drs.StartAsync();
        await slack.StartAsync();
        var logs = new CapturingLoggerProvider();
        await using var app = new DrsBotApp(drs, slack, new Dictionary<string, string?>
        {
            ["Hangfire:Storage"] = storage,
            // Never reached: the warning is decided from settings alone, before anything touches the database.
            ["ConnectionStrings:Hangfire"] = storage == "PostgreSql" ? "Host=127.0.0.1;Port=1;Database=none;Username=none" : null,
        })
        {
            ConfigureTestServices = s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs),
        };
        _ = app.Server;

        var warnings = logs.Lines.Count(l => l.Contains("subscriptions and queued notifications do not survive a restart", StringComparison.Ordinal));
        Assert.Equal(warns ? 1 : 0, warnings);
    }

    /// <summary>
    /// The exception a test host reports when DrsBot refuses to start. WebApplicationFactory runs Program.Main on a
    /// thread of its own: when Main fails and disposes the host before the factory's thread reaches it, the factory
    /// reports an ObjectDisposedException instead of Main's error (seen once in CI, under load). The refusal itself
    /// is deterministic, so only that race is tried again.
    /// </summary>
    private static async Task<Exception> StartupFailureAsync(Func<DrsBotApp> create)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var app = create();
            var error = Assert.ThrowsAny<Exception>(() => app.Server);
            if (error is not ObjectDisposedException || attempt == 3)
            {
                return error;
            }
        }
    }

    private static string Flatten(Exception e) => e switch
    {
        OptionsValidationException o => string.Join("\n", o.Failures),
        AggregateException a => string.Join("\n", a.InnerExceptions.Select(Flatten)),
        _ => e.Message + "\n" + (e.InnerException is null ? "" : Flatten(e.InnerException)),
    };
}
