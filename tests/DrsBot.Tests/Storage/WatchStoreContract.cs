using System.Collections.Immutable;
using DrsBot.Tests.Services;
using DrsBot.Watching;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DrsBot.Tests.Storage;

/// <summary>What every <see cref="IWatchStore"/> promises; run against the in-memory store and against PostgreSQL.</summary>
public abstract class WatchStoreContract
{
    protected static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    protected static readonly TimeSpan LeaseFor = TimeSpan.FromMinutes(2);
    protected const string Team = "T0TEAM";
    protected static readonly ComparisonRef A = new("job-1", "cmp-a");
    protected static readonly ComparisonRef B = new("job-1", "cmp-b");

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 29, 5, 0, 0, TimeSpan.Zero));

    protected PollSchedule Schedule { get; } = new(Options.Create(new WatchOptions { PollInterval = Interval }));

    protected abstract IWatchStore CreateStore();

    private readonly Lazy<IWatchStore> _store;

    protected WatchStoreContract() => _store = new Lazy<IWatchStore>(CreateStore); // thread-safe: tests race on it

    protected IWatchStore Store => _store.Value;

    protected static Subscription Sub(ComparisonRef c, string channel, params PendingNotification[] pending) =>
        new(c, channel, ["<!here>", "<@U0AAA|a>"], "U0ALICE", new DateTimeOffset(2026, 11, 29, 4, 0, 0, TimeSpan.Zero),
            RuleState.Baseline(new CompareProgress(new FullCompareInfo(40, "1MB/s", 0), null, null)))
        {
            TeamId = Team,
            Pending = [.. pending],
        };

    protected static PendingNotification Note(string id) =>
        new(id, NotificationKind.FullComplete, new DateTimeOffset(2026, 11, 29, 5, 1, 0, TimeSpan.Zero))
        {
            Attempts = 2,
            Facts = new NotificationFacts(new CompareProgress(new FullCompareInfo(100, "1MB/s", 0), null, null), null, 0, "<!here> ✅", null, null),
        };

    protected Task<WatchRecord?> SubscribeAsync(ComparisonRef c, params string[] channels) =>
        Store.UpdateAsync(c, r => channels.Aggregate(r ?? new WatchRecord(c, Time.GetUtcNow()), (w, ch) => w.With(Sub(c, ch))));

    [StoreFact]
    public async Task A_record_reads_back_as_it_was_written()
    {
        var progress = new CompareProgress(new FullCompareInfo(99.5, "3MB/s", 7), new IncrementalCompareInfo(1.5, "2MB/s", 120, "mysql-bin.000007:1234", 3), new GlobalCompareInfo("5MB/s"));
        var written = (new WatchRecord(A, Time.GetUtcNow()) with
        {
            LastProgress = progress,
            LastReadAt = Time.GetUtcNow(),
            LastFailure = new DrsFailure(DrsFailureKind.Throttled, 429, "APIG.0308", "slow down", "req-1"),
            LastFailureAt = Time.GetUtcNow(),
            Pace = PaceHistory.Empty.Add(Time.GetUtcNow().AddMinutes(-1), 90.25).Add(Time.GetUtcNow(), 99.5),
        }).With(Sub(A, "C0OPS", Note("n1"), Note("n2"))).With(Sub(A, "C0DBA") with { PausedReason = "not_in_channel", PausedAt = Time.GetUtcNow() });

        var stored = await Store.UpdateAsync(A, _ => written);
        var read = await Store.GetAsync(A);

        Assert.Same(written, stored);
        Assert.NotNull(read);
        Assert.Equal(progress, read.LastProgress);
        Assert.Equal(written.LastFailure, read.LastFailure);
        Assert.Equal(written.LastReadAt, read.LastReadAt);
        Assert.Equal(written.Pace!.Readings, read.Pace!.Readings);
        Assert.Equal(["C0OPS", "C0DBA"], read.Subscriptions.Select(s => s.ChannelId));
        var ops = read.Of(Team, "C0OPS")!;
        Assert.Equal(["<!here>", "<@U0AAA|a>"], ops.Mentions.ToArray());
        Assert.Equal(written.Of(Team, "C0OPS")!.Rules, ops.Rules);
        Assert.Equal(written.Of(Team, "C0OPS")!.Pending, ops.Pending);
        Assert.Equal("not_in_channel", read.Of(Team, "C0DBA")!.PausedReason);
    }

    [StoreFact]
    public async Task Question_time_readings_are_kept_until_they_expire_and_expired_ones_are_dropped()
    {
        var now = Time.GetUtcNow();
        var pace = PaceHistory.Empty.Add(now.AddMinutes(-1), 40).Add(now, 45);
        await Store.SavePaceAsync(A, pace, now.AddHours(1));
        await Store.SavePaceAsync(B, PaceHistory.Empty.Add(now, 1), now.AddMinutes(1));

        Assert.Equal(pace.Readings, (await Store.GetPaceAsync(A, now))!.Readings);
        Assert.Null(await Store.GetPaceAsync(A, now.AddHours(1))); // expired
        Assert.NotNull(await Store.GetPaceAsync(B, now));
        Assert.Null(await Store.GetPaceAsync(new ComparisonRef("job-1", "never"), now));

        var replaced = pace.Add(now.AddMinutes(2), 50);
        await Store.SavePaceAsync(A, replaced, now.AddHours(2));
        Assert.Equal(3, (await Store.GetPaceAsync(A, now.AddHours(1)))!.Readings.Count);
    }

    [StoreFact]
    public async Task Absent_records_read_as_null_and_a_null_change_deletes()
    {
        Assert.Null(await Store.GetAsync(A));
        Assert.Null(await Store.UpdateAsync(A, r => r)); // nothing to keep

        await SubscribeAsync(A, "C0OPS");
        Assert.NotNull(await Store.GetAsync(A));
        Assert.Null(await Store.UpdateAsync(A, _ => null));

        Assert.Null(await Store.GetAsync(A));
        Assert.Empty(await Store.WatchesAsync());
        Assert.Empty(await Store.OfChannelAsync("C0OPS"));
        Assert.Null(await Store.NextPollAsync(A));
    }

    [StoreFact]
    public async Task The_last_subscription_leaving_deletes_the_record()
    {
        await SubscribeAsync(A, "C0OPS", "C0DBA");
        await Store.UpdateAsync(A, r => r!.Without(Team, "C0OPS"));
        Assert.NotNull(await Store.GetAsync(A));

        Assert.Null(await Store.UpdateAsync(A, r => r!.Without(Team, "C0DBA")));
        Assert.Empty(await Store.WatchesAsync());
    }

    [StoreFact]
    public async Task A_gone_comparison_stays_until_its_alerts_are_delivered()
    {
        await Store.UpdateAsync(A, _ => (new WatchRecord(A, Time.GetUtcNow()) with { GoneAt = Time.GetUtcNow() })
            .With(Sub(A, "C0OPS", Note("gone"))).With(Sub(A, "C0DBA")));

        Assert.NotNull(await Store.GetAsync(A));
        Assert.NotNull(await Store.NextPollAsync(A)); // due, to drain the outbox, though DRS is not read again

        Assert.Null(await Store.UpdateAsync(A, r => r!.With(r.Of(Team, "C0OPS")! with { Pending = [] })));
        Assert.Empty(await Store.WatchesAsync());
    }

    [StoreFact]
    public async Task Lists_by_channel_and_all_watches_are_ordered()
    {
        await SubscribeAsync(B, "C0OPS");
        await SubscribeAsync(A, "C0OPS", "C0DBA");

        Assert.Equal([A, B], (await Store.OfChannelAsync("C0OPS")).Select(r => r.Comparison));
        Assert.Equal([A], (await Store.OfChannelAsync("C0DBA")).Select(r => r.Comparison));
        Assert.Equal([A, B], await Store.WatchesAsync());

        await Store.UpdateAsync(A, r => r!.Without(Team, "C0OPS"));
        Assert.Equal([B], (await Store.OfChannelAsync("C0OPS")).Select(r => r.Comparison));
    }

    [StoreFact]
    public async Task Concurrent_updates_of_one_comparison_lose_nothing()
    {
        var channels = Enumerable.Range(0, 40).Select(i => $"C0RACE{i:00}").ToArray();

        await Task.WhenAll(channels.Select(ch => Task.Run(() => SubscribeAsync(A, ch))));

        var record = await Store.GetAsync(A);
        Assert.Equal(channels, record!.Subscriptions.Select(s => s.ChannelId).Order(StringComparer.Ordinal));
        Assert.Single(await Store.WatchesAsync());
    }

    [StoreFact]
    public async Task Polling_is_due_exactly_while_someone_listens()
    {
        await SubscribeAsync(A, "C0OPS");
        var due = await Store.NextPollAsync(A);
        Assert.Equal(Schedule.Next(A, Time.GetUtcNow()), due);

        await Store.UpdateAsync(A, r => r!.With(r.Of(Team, "C0OPS")! with { PausedReason = "is_archived" }));
        Assert.Null(await Store.NextPollAsync(A)); // paused: kept for list, not polled
        Assert.NotNull(await Store.GetAsync(A));

        await SubscribeAsync(A, "C0DBA");
        Assert.NotNull(await Store.NextPollAsync(A));
    }

    [StoreFact]
    public async Task Due_comparisons_are_leased_once_most_overdue_first_and_never_twice()
    {
        await SubscribeAsync(A, "C0OPS");
        await SubscribeAsync(B, "C0OPS");
        Assert.Empty(await Store.LeaseDueAsync(Time.GetUtcNow(), 10, LeaseFor)); // not due yet

        Time.Advance(Interval * 2);
        var first = await Store.LeaseDueAsync(Time.GetUtcNow(), 1, LeaseFor);
        var second = await Store.LeaseDueAsync(Time.GetUtcNow(), 10, LeaseFor);
        var third = await Store.LeaseDueAsync(Time.GetUtcNow(), 10, LeaseFor);

        var dueA = Schedule.Next(A, Time.GetUtcNow() - Interval * 2);
        var dueB = Schedule.Next(B, Time.GetUtcNow() - Interval * 2);
        var expectedFirst = dueA <= dueB ? A : B;
        Assert.Equal(expectedFirst, Assert.Single(first).Comparison);
        Assert.NotEqual(expectedFirst, Assert.Single(second).Comparison);
        Assert.Empty(third);
        Assert.Null(await Store.TryLeaseAsync(A, Time.GetUtcNow(), LeaseFor));
    }

    [StoreFact]
    public async Task Many_pollers_leasing_at_once_never_share_a_comparison()
    {
        var comparisons = Enumerable.Range(0, 60).Select(i => new ComparisonRef("job-1", $"cmp-{i:00}")).ToList();
        foreach (var c in comparisons)
        {
            await SubscribeAsync(c, "C0OPS");
        }

        Time.Advance(Interval * 2);
        var leases = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Store.LeaseDueAsync(Time.GetUtcNow(), 10, LeaseFor))));

        var leased = leases.SelectMany(l => l).Select(l => l.Comparison).ToList();
        Assert.Equal(leased.Count, leased.Distinct().Count());
        Assert.Equal(60, leased.Count);
    }

    [StoreFact]
    public async Task A_lease_is_renewed_by_its_holder_only_and_can_be_taken_once_expired()
    {
        await SubscribeAsync(A, "C0OPS");
        var lease = (await Store.TryLeaseAsync(A, Time.GetUtcNow(), LeaseFor))!;
        Assert.False(await Store.RenewAsync(lease with { Token = Guid.NewGuid() }, Time.GetUtcNow() + LeaseFor));

        Time.Advance(LeaseFor / 2);
        Assert.True(await Store.RenewAsync(lease, Time.GetUtcNow() + LeaseFor));
        Time.Advance(LeaseFor * 0.9);
        Assert.Null(await Store.TryLeaseAsync(A, Time.GetUtcNow(), LeaseFor)); // renewed, so still held

        Time.Advance(LeaseFor);
        var taken = await Store.TryLeaseAsync(A, Time.GetUtcNow(), LeaseFor);
        Assert.NotNull(taken);
        Assert.False(await Store.RenewAsync(lease, Time.GetUtcNow() + LeaseFor)); // the old holder is fenced out
    }

    [StoreFact]
    public async Task Release_sets_the_next_poll_and_is_harmless_once_the_record_is_gone()
    {
        await SubscribeAsync(A, "C0OPS");
        var lease = (await Store.TryLeaseAsync(A, Time.GetUtcNow(), LeaseFor))!;
        var next = Schedule.Next(A, Time.GetUtcNow() + Interval);
        await Store.ReleaseAsync(lease, next);
        Assert.Equal(next, await Store.NextPollAsync(A));
        Assert.NotNull(await Store.TryLeaseAsync(A, Time.GetUtcNow(), LeaseFor)); // released: free again

        await SubscribeAsync(B, "C0OPS");
        for (var i = 0; i < 30; i++)
        {
            var held = (await Store.TryLeaseAsync(B, Time.GetUtcNow(), LeaseFor))!;
            await Store.UpdateAsync(B, _ => null); // unsubscribed mid-poll
            await Store.ReleaseAsync(held, next);
            Assert.False(await Store.RenewAsync(held, Time.GetUtcNow() + LeaseFor));
            await SubscribeAsync(B, "C0OPS");
        }

        Assert.NotNull(await Store.GetAsync(B));
    }

    [StoreFact]
    public async Task A_shorter_interval_brings_far_poll_times_forward()
    {
        await SubscribeAsync(A, "C0OPS");
        var lease = (await Store.TryLeaseAsync(A, Time.GetUtcNow(), LeaseFor))!;
        await Store.ReleaseAsync(lease, Time.GetUtcNow() + TimeSpan.FromHours(1)); // set under a 1-hour interval

        var latest = Time.GetUtcNow() + Interval;
        await Store.PollWithinAsync(Interval);

        Assert.Equal(latest, await Store.NextPollAsync(A));
    }

    [StoreFact]
    public async Task A_comparison_nobody_listens_to_cannot_be_leased()
    {
        Assert.Null(await Store.TryLeaseAsync(A, Time.GetUtcNow(), LeaseFor));
        await SubscribeAsync(A, "C0OPS");
        await Store.UpdateAsync(A, r => r!.With(r.Of(Team, "C0OPS")! with { PausedReason = "is_archived" }));

        Assert.Null(await Store.TryLeaseAsync(A, Time.GetUtcNow(), LeaseFor));
        Time.Advance(Interval * 3);
        Assert.Empty(await Store.LeaseDueAsync(Time.GetUtcNow(), 10, LeaseFor));
    }
}

public sealed class InMemoryWatchStoreTests : WatchStoreContract
{
    protected override IWatchStore CreateStore() => new DrsBot.Storage.InMemoryWatchStore(Schedule, Time);
}
