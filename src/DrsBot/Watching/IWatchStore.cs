using DrsBot.Drs;

namespace DrsBot.Watching;

/// <summary>
/// Where subscriptions and notification state live. One small interface so the in-memory default and the
/// PostgreSQL store for several replicas share all of the logic above it.
/// </summary>
public interface IWatchStore
{
    /// <summary>
    /// An exclusive lock on one comparison across all replicas; null when it could not be had in time
    /// (another replica is polling it). Everything that changes a comparison's state holds it.
    /// </summary>
    IDisposable? TryLock(ComparisonRef comparison, TimeSpan timeout);

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
