using DrsBot.Tests.Fakes;
using DrsBot.Watching;
using Microsoft.Extensions.DependencyInjection;

namespace DrsBot.Tests.EndToEnd;

/// <summary>DrsBot hosts on a real PostgreSQL, sharing one fake DRS and one fake Slack; every host is stopped at the end.</summary>
public abstract class PostgreSqlAppsTest : IAsyncLifetime
{
    private readonly List<DrsBotApp> _apps = [];

    protected FakeDrs Drs { get; } = new();

    protected FakeSlack Slack { get; } = new();

    protected const string Ops = "C0OPS";

    protected const string Dba = "C0DBA";

    /// <summary>A poll of job-1's <paramref name="compare"/> on demand: false when another poll holds its lease.</summary>
    protected static Task<bool> PollAsync(DrsBotApp app, string compare) =>
        app.Services.GetRequiredService<PollDispatcher>().PollNowAsync(new ComparisonRef("job-1", compare));

    /// <summary>
    /// A poll of our own, as soon as it can take the lease: that is, once any poll in flight (a scheduled one, on
    /// either replica) has let go of it, which a poll does after its delivery.
    /// </summary>
    protected static async Task PollOnceFreeAsync(DrsBotApp app, string compare)
    {
        while (!await PollAsync(app, compare))
        {
            await Task.Delay(100);
        }
    }

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

    /// <summary>A watch row as an earlier version stored it, written straight into the database, with its channel's index row.</summary>
    protected static async Task InsertRowAsync(string connectionString, string key, string recordJson, string channel, bool dueNow)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var insert = new Npgsql.NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new($"INSERT INTO drsbot.watch (comparison, record, due_at, updated_at) VALUES ($1, $2::jsonb, now(){(dueNow ? "" : " + interval '1 hour'")}, now())")
                {
                    Parameters = { new() { Value = key }, new() { Value = recordJson } },
                },
                new("INSERT INTO drsbot.channel_watch (channel_id, comparison) VALUES ($1, $2)")
                {
                    Parameters = { new() { Value = channel }, new() { Value = key } },
                },
            },
        };
        await insert.ExecuteNonQueryAsync();
    }

    /// <summary>A started host on <paramref name="connectionString"/>'s database.</summary>
    protected DrsBotApp Start(
        string connectionString, string pollInterval = "01:00:00", Action<IServiceCollection>? configure = null, IDictionary<string, string?>? settings = null)
    {
        var app = new DrsBotApp(Drs, Slack, new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
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
