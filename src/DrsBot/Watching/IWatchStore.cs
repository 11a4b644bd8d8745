
namespace DrsBot.Watching;

/// <summary>
/// Where watches live: in memory (one replica) or in PostgreSQL (any number). Every change is one atomic
/// read-modify-write of a whole <see cref="WatchRecord"/>, so no caller can forget a lock or hold one across a DRS
/// or Slack call. The poll lease is separate: it keeps one poller per comparison across replicas while the
/// records stay free for subscribe, unsubscribe and the poller's own writes.
/// </summary>
public interface IWatchStore
{
    /// <summary>
    /// The clock every stored time is on: the app's for the in-memory store, the database's for PostgreSQL. Replicas
    /// compare their times (leases, poll times, readings) only through it, never through their own machines' clocks.
    /// </summary>
    TimeProvider Clock { get; }

    Task<WatchRecord?> GetAsync(ComparisonRef comparison, CancellationToken ct = default);

    /// <summary>
    /// Applies <paramref name="change"/> to the record as it is now (null when absent) and stores the result
    /// (null deletes) before anyone else may change it. <paramref name="change"/> must be pure: it may run again.
    /// Returns what was stored. Whether the record is due for polling follows from <see cref="WatchRecord.NeedsPolling"/>.
    /// </summary>
    Task<WatchRecord?> UpdateAsync(ComparisonRef comparison, Func<WatchRecord?, WatchRecord?> change, CancellationToken ct = default);

    /// <summary>Every record with a subscription for this channel, ordered by comparison.</summary>
    Task<IReadOnlyList<WatchRecord>> OfChannelAsync(string channelId, CancellationToken ct = default);

    /// <summary>Every stored comparison, ordered.</summary>
    Task<IReadOnlyList<ComparisonRef>> WatchesAsync(CancellationToken ct = default);

    /// <summary>When the comparison is next due for a poll; null when nothing needs polling.</summary>
    Task<DateTimeOffset?> NextPollAsync(ComparisonRef comparison, CancellationToken ct = default);

    /// <summary>Leases up to <paramref name="max"/> comparisons that are due and not leased, most overdue first.</summary>
    Task<IReadOnlyList<PollLease>> LeaseDueAsync(DateTimeOffset now, int max, TimeSpan duration, CancellationToken ct = default);

    /// <summary>Leases one comparison now, due or not (a poll on demand); null if it needs no poll or is leased.</summary>
    Task<PollLease?> TryLeaseAsync(ComparisonRef comparison, DateTimeOffset now, TimeSpan duration, CancellationToken ct = default);

    /// <summary>Extends a lease; false when it is no longer held (expired and taken, or the record is gone).</summary>
    Task<bool> RenewAsync(PollLease lease, DateTimeOffset until, CancellationToken ct = default);

    /// <summary>Ends a lease and sets the next poll time, if the record still needs polling. Harmless when already gone.</summary>
    Task ReleaseAsync(PollLease lease, DateTimeOffset nextPoll, CancellationToken ct = default);

    /// <summary>
    /// Brings every poll time later than <paramref name="interval"/> from now forward to it: after
    /// <c>Watch:PollInterval</c> was shortened, nothing waits out a poll time computed with the old, longer interval.
    /// "Now" is the store's <see cref="Clock"/>, read by the store once it is sure of it: a replica that has just
    /// started must not bring poll times forward by its own clock's error.
    /// </summary>
    Task PollWithinAsync(TimeSpan interval, CancellationToken ct = default);

    /// <summary>Subscriptions of one workspace, across all its channels (for <c>Watch:MaxSubscriptionsPerTeam</c>).</summary>
    Task<int> CountSubscriptionsAsync(string teamId, CancellationToken ct = default);

    /// <summary>How much is stored, for the metrics: comparisons, subscriptions, notifications waiting in outboxes.</summary>
    Task<WatchTotals> CountAsync(CancellationToken ct = default);

    /// <summary>
    /// Recent readings of a comparison someone asked about, watched or not, for the ETA of the next answer; null
    /// when none or expired.
    /// </summary>
    Task<PaceHistory?> GetPaceAsync(ComparisonRef comparison, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Keeps <paramref name="pace"/> until <paramref name="expiresAt"/>; expired ones are dropped as others are saved.</summary>
    Task SavePaceAsync(ComparisonRef comparison, PaceHistory pace, DateTimeOffset expiresAt, CancellationToken ct = default);

    /// <summary>Throws <see cref="WatchStoreUnavailableException"/> unless the storage answers.</summary>
    Task PingAsync(CancellationToken ct = default);
}

public sealed record WatchTotals(long Comparisons, long Subscriptions, long Outbox)
{
    /// <summary>Comparisons watched in each DRS profile (a profile with none is absent): each profile's budget plans its own.</summary>
    public IReadOnlyDictionary<string, long> ByProfile { get; init; } = new Dictionary<string, long>();
}

/// <summary>The right to poll one comparison until <see cref="Until"/>; <see cref="Token"/> fences a stale holder.</summary>
public sealed record PollLease(ComparisonRef Comparison, Guid Token, DateTimeOffset? DueAt, DateTimeOffset Until);

/// <summary>The storage did not answer (database down, timed out). Commands say "try again"; polls wait.</summary>
public sealed class WatchStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
