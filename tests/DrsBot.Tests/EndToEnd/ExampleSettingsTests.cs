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
        { "Drs:Auth", typeof(DrsAuthOptions) },
        { "Watch", typeof(WatchOptions) },
        { "Hangfire", typeof(StorageOptions) },
        { "Hangfire:Dashboard", typeof(DashboardSettings) },
    };

    [Theory]
    [MemberData(nameof(Sections))]
    public void Every_option_has_an_example(string section, Type options)
    {
        var json = JsonDocument.Parse(File.ReadAllText(ExamplePath())).RootElement;
        foreach (var part in section.Split(':'))
        {
            json = json.GetProperty(part);
        }

        var settable = options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }).Select(p => p.Name);
        Assert.All(settable, name => Assert.True(json.TryGetProperty(name, out _), $"{section}:{name} is missing from appsettings.example.json"));
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
