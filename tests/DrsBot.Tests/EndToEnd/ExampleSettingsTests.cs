using System.Reflection;
using System.Text.Json;
using DrsBot.Drs;
using DrsBot.Infrastructure;
using DrsBot.Slack;
using DrsBot.Storage;
using DrsBot.Tests.Fakes;
using DrsBot.Watching;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DrsBot.Tests.EndToEnd;

/// <summary>appsettings.example.json documents every option, and the bot starts in Production with it.</summary>
public sealed class ExampleSettingsTests
{
    private static string ExamplePath() => Repository.Path("appsettings.example.json");

    public static TheoryData<string, Type> Sections => new()
    {
        { "Slack", typeof(SlackOptions) },
        { "Slack:RateLimit", typeof(SlackRateLimitOptions) },
        { "Drs", typeof(DrsOptions) },
        { "Drs", typeof(DrsBudgetOptions) }, // the core's view of the same section: budgets and AllowedChannels
        { "Drs:Auth", typeof(DrsAuthOptions) },
        { "Watch", typeof(WatchOptions) },
        { "Hangfire", typeof(StorageOptions) },
        { "Hangfire:Dashboard", typeof(DashboardSettings) },
    };

    /// <summary>Every key DrsBot binds from configuration, as <c>Section:Name</c>, plus those it reads by name.</summary>
    public static HashSet<string> BoundKeys()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal) { "Drs:InteractiveBudget", "ConnectionStrings:Hangfire", Telemetry.OtlpEndpointKey };
        foreach (var row in Sections)
        {
            var (section, options) = ((string)row[0], (Type)row[1]);
            foreach (var name in Settable(options))
            {
                if (!Sections.Any(r => (string)r[0] == $"{section}:{name}"))
                {
                    keys.Add($"{section}:{name}");
                }
            }
        }

        return keys;
    }

    private static IEnumerable<string> Settable(Type options) =>
        options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }).Select(p => p.Name);

    [Fact]
    public void Every_options_class_with_a_section_is_listed_here()
    {
        var bound = typeof(Program).Assembly.GetTypes()
            .Where(t => t.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true })
            .Select(t => (string)t.GetField("Section")!.GetRawConstantValue()!);
        Assert.All(bound, section => Assert.Contains(Sections, row => (string)row[0] == section));
    }

    [Fact]
    public void Every_key_is_documented_in_the_configuration_page()
    {
        var page = File.ReadAllText(Repository.Path("docs", "configuration.md"));
        Assert.All(BoundKeys(), key => Assert.True(page.Contains($"| `{key}` |", StringComparison.Ordinal), $"{key} is missing from docs/configuration.md"));
    }

    [Theory]
    [MemberData(nameof(Sections))]
    public void Every_option_has_an_example(string section, Type options)
    {
        var json = JsonDocument.Parse(File.ReadAllText(ExamplePath())).RootElement;
        foreach (var part in section.Split(':'))
        {
            json = json.GetProperty(part);
        }

        Assert.All(Settable(options), name => Assert.True(json.TryGetProperty(name, out _), $"{section}:{name} is missing from appsettings.example.json"));
    }

    private sealed class ExampleApp : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.ConfigureAppConfiguration(c => c.AddJsonFile(ExamplePath()));
        }
    }

    [Fact]
    public async Task The_example_is_a_valid_production_configuration()
    {
        await using var app = new ExampleApp();
        _ = app.Server;
        var drs = app.Services.GetRequiredService<IOptions<DrsOptions>>().Value;
        Assert.Equal(DrsAuthMode.AkSk, drs.Auth.Mode);
        Assert.Equal(TimeSpan.FromMinutes(1), app.Services.GetRequiredService<IOptions<WatchOptions>>().Value.PollInterval);
        var storage = app.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
        Assert.Equal(StorageKind.InMemory, storage.Storage);
        Assert.StartsWith("Host=", storage.ConnectionString, StringComparison.Ordinal); // ConnectionStrings:Hangfire
    }
}
