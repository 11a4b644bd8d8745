using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace DrsBot.Watching;

/// <summary>
/// Everything DrsBot keeps about one watched comparison: what it last learned from DRS and every channel's
/// subscription with its outbox. It is the unit of storage and of atomic change (<see cref="IWatchStore.UpdateAsync"/>),
/// so a poll's decisions for all channels and their rendered messages are committed in one step.
/// </summary>
public sealed record WatchRecord(
    [property: JsonPropertyName("comparison")] ComparisonRef Comparison,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt)
{
    [JsonPropertyName("subscriptions")]
    public ImmutableList<Subscription> Subscriptions { get; init => field = value ?? []; } = []; // never null: see Subscription.Pending

    [JsonPropertyName("lastProgress")]
    public CompareProgress? LastProgress { get; init; }

    [JsonPropertyName("lastReadAt")]
    public DateTimeOffset? LastReadAt { get; init; }

    /// <summary>Recent full-progress readings, for the ETA.</summary>
    [JsonPropertyName("pace")]
    public PaceHistory? Pace { get; init; }

    [JsonPropertyName("lastFailure")]
    public DrsFailure? LastFailure { get; init; }

    [JsonPropertyName("lastFailureAt")]
    public DateTimeOffset? LastFailureAt { get; init; }

    /// <summary>
    /// Whether the comparison compares row counts or values (<see cref="TableDifferences.Rows"/>/<see cref="TableDifferences.Values"/>),
    /// learned when it was subscribed, so a recheck alert's table detail is one DRS call. Null when DRS did not say.
    /// </summary>
    [JsonPropertyName("tablesKind")]
    public string? TablesKind { get; init; }

    /// <summary>DRS said the comparison no longer exists: no more DRS calls, only the outboxes still drain.</summary>
    [JsonPropertyName("goneAt")]
    public DateTimeOffset? GoneAt { get; init; }

    /// <summary>This record after a successful read at <paramref name="at"/>.</summary>
    public WatchRecord Read(CompareProgress progress, DateTimeOffset at) => this with
    {
        LastProgress = progress,
        LastReadAt = at,
        Pace = progress.Full?.Progress is { } p ? (Pace ?? PaceHistory.Empty).Add(at, p) : Pace,
    };

    /// <summary>The last poll failed, and nothing was read since: what list and the digest call a problem.</summary>
    [JsonIgnore]
    public bool LastPollFailed => LastFailureAt is { } failedAt && LastFailure is not null && (LastReadAt is null || failedAt > LastReadAt);

    public Subscription? Of(string teamId, string channelId) => Subscriptions.Find(s => s.Is(teamId, channelId));

    /// <summary>This record with <paramref name="subscription"/> added, or replacing the one of the same team and channel.</summary>
    public WatchRecord With(Subscription subscription) => this with
    {
        Subscriptions = Of(subscription.TeamId, subscription.ChannelId) is { } old
            ? Subscriptions.Replace(old, subscription)
            : Subscriptions.Add(subscription),
    };

    public WatchRecord Without(string teamId, string channelId) => this with
    {
        Subscriptions = Subscriptions.RemoveAll(s => s.Is(teamId, channelId)),
    };

    /// <summary>Someone is listening, and DRS still knows the comparison: worth a DRS call.</summary>
    [JsonIgnore]
    public bool NeedsReading => GoneAt is null && Subscriptions.Any(s => !s.IsPaused);

    /// <summary>Something is still owed to a channel that can receive it.</summary>
    [JsonIgnore]
    public bool HasUndelivered => Subscriptions.Any(s => s is { IsPaused: false, Pending.Count: > 0 });

    /// <summary>Whether the poller should visit this record at all: to read DRS, or to drain an outbox.</summary>
    [JsonIgnore]
    public bool NeedsPolling => NeedsReading || HasUndelivered;

    /// <summary>
    /// A record that nobody needs any more is deleted rather than kept: no subscriptions, or a comparison DRS no
    /// longer knows whose alerts have all been delivered. Paused subscriptions of a live comparison stay for list.
    /// </summary>
    public WatchRecord? OrNullIfDone() =>
        Subscriptions.IsEmpty || (GoneAt is not null && !HasUndelivered) ? null : this;
}
