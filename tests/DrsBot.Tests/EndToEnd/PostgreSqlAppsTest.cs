using DrsBot.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace DrsBot.Tests.EndToEnd;

/// <summary>DrsBot hosts on a real PostgreSQL, sharing one fake DRS and one fake Slack; every host is stopped at the end.</summary>
public abstract class PostgreSqlAppsTest : IAsyncLifetime
{
    private readonly List<DrsBotApp> _apps = [];

    protected FakeDrs Drs { get; } = new();

    protected FakeSlack Slack { get; } = new();

    public async Task InitializeAsync()
    {
        await Drs.StartAsync();
        await Slack.StartAsync();
    }

    public async Task DisposeAsync()
    {
        Assert.Empty(Slack.InvalidMessages);
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        await Drs.DisposeAsync();
        await Slack.DisposeAsync();
    }

    /// <summary>A started host on <paramref name="connectionString"/>'s database.</summary>
    protected DrsBotApp Start(string connectionString, string pollInterval = "01:00:00", Action<IServiceCollection>? configure = null)
    {
        var app = new DrsBotApp(Drs, Slack, new Dictionary<string, string?>
        {
            ["Hangfire:Storage"] = "PostgreSql",
            ["ConnectionStrings:Hangfire"] = connectionString,
            ["Watch:PollInterval"] = pollInterval,
        })
        {
            ConfigureTestServices = configure,
        };
        _apps.Add(app);
        _ = app.Server;
        return app;
    }
}
