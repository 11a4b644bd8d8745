using System.Text.Json;
using DrsBot.Drs;
using Hangfire;
using Hangfire.Storage;

namespace DrsBot.Watching;

/// <summary>
/// Keeps watch state in Hangfire's own storage (hashes, sets and distributed locks), so whichever storage
/// Hangfire runs on, in-memory or PostgreSQL, the subscriptions and their outboxes live beside the jobs.
/// Each record is one JSON value in a hash; sets index watches by comparison and by channel.
/// </summary>
internal sealed class HangfireWatchStore(JobStorage storage) : IWatchStore
{
    private const string WatchesSet = "drsbot:watches";
    private const string Field = "json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static string WatchHash(ComparisonRef c) => $"drsbot:watch:{c.Key}";

    private static string ChannelsOfWatch(ComparisonRef c) => $"drsbot:watch:{c.Key}:channels";

    private static string WatchesOfChannel(string channel) => $"drsbot:channel:{channel}:watches";

    private static string SubscriptionHash(ComparisonRef c, string channel) => $"drsbot:sub:{c.Key}:{channel}";

    public IDisposable? TryLock(ComparisonRef comparison, WatchLock kind, TimeSpan timeout)
    {
        var connection = storage.GetConnection();
        try
        {
            var handle = connection.AcquireDistributedLock($"drsbot:lock:{kind.ToString().ToLowerInvariant()}:{comparison.Key}", timeout);
            return new Held(handle, connection);
        }
        catch (DistributedLockTimeoutException)
        {
            connection.Dispose();
            return null;
        }
    }

    public IReadOnlyList<ComparisonRef> Watches()
    {
        using var connection = storage.GetConnection();
        return [.. connection.GetAllItemsFromSet(WatchesSet).Select(ComparisonRef.FromKey).OfType<ComparisonRef>().OrderBy(c => c.Key, StringComparer.Ordinal)];
    }

    public WatchRecord? GetWatch(ComparisonRef comparison)
    {
        using var connection = storage.GetConnection();
        return Read<WatchRecord>(connection, WatchHash(comparison));
    }

    public IReadOnlyList<Subscription> Subscriptions(ComparisonRef comparison)
    {
        using var connection = storage.GetConnection();
        return [.. connection.GetAllItemsFromSet(ChannelsOfWatch(comparison)).Order(StringComparer.Ordinal)
            .Select(channel => Read<Subscription>(connection, SubscriptionHash(comparison, channel)))
            .OfType<Subscription>()];
    }

    public Subscription? GetSubscription(ComparisonRef comparison, string channelId)
    {
        using var connection = storage.GetConnection();
        return Read<Subscription>(connection, SubscriptionHash(comparison, channelId));
    }

    public IReadOnlyList<Subscription> SubscriptionsOfChannel(string channelId)
    {
        using var connection = storage.GetConnection();
        return [.. connection.GetAllItemsFromSet(WatchesOfChannel(channelId)).Order(StringComparer.Ordinal)
            .Select(ComparisonRef.FromKey).OfType<ComparisonRef>()
            .Select(c => Read<Subscription>(connection, SubscriptionHash(c, channelId)))
            .OfType<Subscription>()];
    }

    public void Save(WatchRecord watch, IEnumerable<Subscription> subscriptions)
    {
        using var connection = storage.GetConnection();
        using var transaction = connection.CreateWriteTransaction();
        transaction.AddToSet(WatchesSet, watch.Comparison.Key);
        Write(transaction, WatchHash(watch.Comparison), watch);
        foreach (var subscription in subscriptions)
        {
            AddSubscription(transaction, subscription);
        }

        transaction.Commit();
    }

    public void Save(Subscription subscription)
    {
        using var connection = storage.GetConnection();
        using var transaction = connection.CreateWriteTransaction();
        AddSubscription(transaction, subscription);
        transaction.Commit();
    }

    public void Remove(Subscription subscription)
    {
        using var connection = storage.GetConnection();
        using var transaction = connection.CreateWriteTransaction();
        RemoveSubscription(transaction, subscription.Comparison, subscription.ChannelId);
        transaction.Commit();
    }

    public void RemoveWatch(ComparisonRef comparison)
    {
        using var connection = storage.GetConnection();
        var channels = connection.GetAllItemsFromSet(ChannelsOfWatch(comparison));
        using var transaction = connection.CreateWriteTransaction();
        foreach (var channel in channels)
        {
            RemoveSubscription(transaction, comparison, channel);
        }

        transaction.RemoveHash(WatchHash(comparison));
        transaction.RemoveFromSet(WatchesSet, comparison.Key);
        transaction.Commit();
    }

    private static void AddSubscription(IWriteOnlyTransaction transaction, Subscription subscription)
    {
        transaction.AddToSet(ChannelsOfWatch(subscription.Comparison), subscription.ChannelId);
        transaction.AddToSet(WatchesOfChannel(subscription.ChannelId), subscription.Comparison.Key);
        Write(transaction, SubscriptionHash(subscription.Comparison, subscription.ChannelId), subscription);
    }

    private static void RemoveSubscription(IWriteOnlyTransaction transaction, ComparisonRef comparison, string channel)
    {
        transaction.RemoveFromSet(ChannelsOfWatch(comparison), channel);
        transaction.RemoveFromSet(WatchesOfChannel(channel), comparison.Key);
        transaction.RemoveHash(SubscriptionHash(comparison, channel));
    }

    private static void Write<T>(IWriteOnlyTransaction transaction, string key, T value) =>
        transaction.SetRangeInHash(key, [new KeyValuePair<string, string>(Field, JsonSerializer.Serialize(value, Json))]);

    private static T? Read<T>(IStorageConnection connection, string key) where T : class =>
        connection.GetAllEntriesFromHash(key) is { } hash && hash.TryGetValue(Field, out var json)
            ? JsonSerializer.Deserialize<T>(json, Json)
            : null;

    /// <summary>Hangfire's lock lives as long as its connection; both go together.</summary>
    private sealed class Held(IDisposable handle, IStorageConnection connection) : IDisposable
    {
        public void Dispose()
        {
            handle.Dispose();
            connection.Dispose();
        }
    }
}
