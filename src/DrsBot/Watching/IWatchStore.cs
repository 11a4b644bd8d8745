using DrsBot.Drs;

namespace DrsBot.Watching;

/// <summary>
/// Where subscriptions and notification state live. One small interface so the in-memory default and the
/// PostgreSQL store for several replicas share all of the logic above it.
/// </summary>
public enum WatchLock
{
    State,
    Poll,
}

public interface IWatchStore
{
    /// <summary>
    /// An exclusive lock on one comparison across all replicas; null when it could not be had in time.
    /// <see cref="WatchLock.State"/> is held briefly by whatever changes a comparison's records;
    /// <see cref="WatchLock.Poll"/> is held for a whole poll, so one comparison is never polled twice at once.
    /// </summary>
    IDisposable? TryLock(ComparisonRef comparison, WatchLock kind, TimeSpan timeout);

    IReadOnlyList<ComparisonRef> Watches();

    WatchRecord? GetWatch(ComparisonRef comparison);

    IReadOnlyList<Subscription> Subscriptions(ComparisonRef comparison);

    Subscription? GetSubscription(ComparisonRef comparison, string channelId);

    IReadOnlyList<Subscription> SubscriptionsOfChannel(string channelId);

    /// <summary>Writes a watch and some of its subscriptions in one atomic step.</summary>
    void Save(WatchRecord watch, IEnumerable<Subscription> subscriptions);

    void Save(Subscription subscription);

    void Remove(Subscription subscription);

    /// <summary>Removes a watch and every subscription to it.</summary>
    void RemoveWatch(ComparisonRef comparison);
}

public static class WatchStoreExtensions
{
    /// <summary>Long enough for any record write; the state lock is never held across DRS or Slack calls.</summary>
    public static readonly TimeSpan DefaultStateLockTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The state lock, or a <see cref="TimeoutException"/> naming the comparison if it stays taken.</summary>
    public static IDisposable LockState(this IWatchStore store, ComparisonRef comparison, TimeSpan? timeout = null)
    {
        var wait = timeout ?? DefaultStateLockTimeout;
        return store.TryLock(comparison, WatchLock.State, wait)
               ?? throw new TimeoutException($"The state of {comparison.Key} stayed locked for {wait}.");
    }
}
