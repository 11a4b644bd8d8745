using DrsBot.Storage;
using DrsBot.Tests.Fakes;
using DrsBot.Tests.Services;
using DrsBot.Watching;
using Npgsql;

namespace DrsBot.Tests.Storage;

/// <summary>The store contract on a real PostgreSQL server, plus what only a database can get wrong.</summary>
public sealed class PostgreSqlWatchStoreTests : WatchStoreContract, INeedPostgres, IDisposable
{
    private readonly System.Collections.Concurrent.ConcurrentBag<NpgsqlDataSource> _sources = [];
    private readonly Lazy<string> _database = new(() => PostgresServer.Instance.CreateDatabase());

    private string Database => _database.Value;

    protected override IWatchStore CreateStore() => Create(Database);

    private PostgreSqlWatchStore Create(string connectionString, TimeProvider? clock = null)
    {
        var source = NpgsqlDataSource.Create(connectionString);
        _sources.Add(source);
        return new PostgreSqlWatchStore(source, Schedule, clock ?? Time);
    }

    [StoreFact]
    public async Task Two_replicas_see_one_state()
    {
        var other = Create(Database);
        await SubscribeAsync(A, "C0OPS");
        await other.UpdateAsync(A, r => r!.With(Sub(A, "C0DBA")));

        Assert.Equal(["C0OPS", "C0DBA"], (await Store.GetAsync(A))!.Subscriptions.Select(s => s.ChannelId));
        Time.Advance(Interval * 2);
        Assert.Single(await other.LeaseDueAsync(Time.GetUtcNow(), 10, LeaseFor));
        Assert.Empty(await Store.LeaseDueAsync(Time.GetUtcNow(), 10, LeaseFor));
    }

    [StoreFact]
    public async Task Releasing_leases_of_deleted_rows_returns_every_connection()
    {
        // Two connections at most: one leaked per release would exhaust the pool within three rounds.
        var store = Create(new NpgsqlConnectionStringBuilder(Database) { MaxPoolSize = 2, Timeout = 2 }.ConnectionString);
        var c = new ComparisonRef("job-1", "cmp-leak");
        for (var i = 0; i < 25; i++)
        {
            await store.UpdateAsync(c, r => (r ?? new WatchRecord(c, Time.GetUtcNow())).With(Sub(c, "C0OPS")));
            var lease = (await store.TryLeaseAsync(c, Time.GetUtcNow(), LeaseFor))!;
            await store.UpdateAsync(c, _ => null);
            await store.ReleaseAsync(lease, Time.GetUtcNow() + Interval);
            Assert.False(await store.RenewAsync(lease, Time.GetUtcNow() + LeaseFor));
        }

        Assert.Null(await store.GetAsync(c));
    }

    [StoreFact]
    public async Task A_replica_that_starts_with_its_clock_behind_keeps_poll_times_on_their_slots()
    {
        // Replica one, its clock right, watches a comparison due at its slot. Replica two starts with its clock five
        // minutes behind and, before it has used the database for anything else, brings far poll times forward to
        // one interval from now (start-up after Watch:PollInterval was shortened). Issue 29's two-replica test caught
        // the old code reading "now" off the replica's own clock there: every comparison fell due at once, off its
        // slot, and was polled twice within a couple of seconds.
        var one = Create(Database, new DatabaseClock(TimeProvider.System, Source()));
        var two = Create(Database, new DatabaseClock(new SkewedClock(TimeSpan.FromMinutes(-5)), Source()));
        await one.UpdateAsync(A, r => (r ?? new WatchRecord(A, one.Clock.GetUtcNow())).With(Sub(A, "C0OPS")));
        var due = await one.NextPollAsync(A);

        await two.PollWithinAsync(Interval);

        Assert.Equal(due, await one.NextPollAsync(A));
    }

    private NpgsqlDataSource Source()
    {
        var source = NpgsqlDataSource.Create(Database);
        _sources.Add(source);
        return source;
    }

    [StoreFact]
    public async Task A_database_that_does_not_answer_is_reported_as_unavailable()
    {
        var nowhere = Create($"Host=127.0.0.1;Port={FreePort()};Username=postgres;Database=none;Timeout=2");

        await Assert.ThrowsAsync<WatchStoreUnavailableException>(() => nowhere.GetAsync(A));
        await Assert.ThrowsAsync<WatchStoreUnavailableException>(() => nowhere.UpdateAsync(A, r => r));
        await Assert.ThrowsAsync<WatchStoreUnavailableException>(() => nowhere.PingAsync());
    }

    [StoreFact]
    public async Task Schema_creation_is_safe_when_replicas_start_together()
    {
        var stores = Enumerable.Range(0, 6).Select(_ => Create(Database)).ToList();
        await Task.WhenAll(stores.Select(s => Task.Run(() => s.PingAsync())));
        await Task.WhenAll(stores.Select((s, i) => Task.Run(() => s.UpdateAsync(A, r => (r ?? new WatchRecord(A, Time.GetUtcNow())).With(Sub(A, $"C0R{i}"))))));

        Assert.Equal(6, (await Store.GetAsync(A))!.Subscriptions.Count);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        foreach (var source in _sources)
        {
            source.Dispose();
        }
    }
}
