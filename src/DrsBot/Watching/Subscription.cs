using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace DrsBot.Watching;

/// <summary>
/// A channel of one workspace watching a comparison: who asked, whom to mention, what the rules remember, what is
/// owed. A subscription belongs to (team, channel): the same channel id from another workspace is someone else's.
/// </summary>
public sealed record Subscription(
    [property: JsonPropertyName("comparison")] ComparisonRef Comparison,
    [property: JsonPropertyName("channelId")] string ChannelId,
    [property: JsonPropertyName("mentions")] ImmutableArray<string> Mentions,
    [property: JsonPropertyName("subscribedBy")] string SubscribedBy,
    [property: JsonPropertyName("subscribedAt")] DateTimeOffset SubscribedAt,
    [property: JsonPropertyName("rules")] RuleState Rules)
{
    /// <summary>The Slack workspace (team id) the channel belongs to.</summary>
    [JsonPropertyName("teamId")]
    public string TeamId { get; init => field = value ?? ""; } = ""; // never null: see Pending

    [JsonPropertyName("enterpriseId")]
    public string? EnterpriseId { get; init; }

    /// <summary>Who last changed the mentions (by subscribing again), and when; null until someone does.</summary>
    [JsonPropertyName("mentionsChangedBy")]
    public string? MentionsChangedBy { get; init; }

    [JsonPropertyName("mentionsChangedAt")]
    public DateTimeOffset? MentionsChangedAt { get; init; }

    /// <summary>True (<c>--no-thread</c>): notifications are plain channel messages, as before threads.</summary>
    [JsonPropertyName("flat")]
    public bool Flat { get; init; }

    /// <summary>The <c>ts</c> of this channel's thread parent for the comparison; null until the first notification.</summary>
    [JsonPropertyName("threadTs")]
    public string? ThreadTs { get; init; }

    /// <summary>What the parent last showed (its summary line) and when it was last updated, to update only on change.</summary>
    [JsonPropertyName("parentShows")]
    public string? ParentShows { get; init; }

    [JsonPropertyName("parentUpdatedAt")]
    public DateTimeOffset? ParentUpdatedAt { get; init; }

    /// <summary>
    /// A thread parent being posted: recorded before the post, so that a parent Slack took but whose ts was not saved
    /// is found in the channel by this id rather than posted a second time. Cleared once its ts is saved.
    /// </summary>
    [JsonPropertyName("parentAttempt")]
    public ParentAttempt? ParentAttempt { get; init; }

    public bool Is(string teamId, string channelId) => TeamId == teamId && ChannelId == channelId;

    /// <summary>Notifications decided but not yet confirmed delivered, oldest first (the outbox).</summary>
    [JsonPropertyName("pending")]
    // Never null: a record stored before this property existed lacks it, and the source-generated reader sets every
    // init-only property, a missing one to null (StoredDataContractTests).
    public ImmutableList<PendingNotification> Pending { get; init => field = value ?? []; } = [];

    /// <summary>
    /// Paused: why Slack will not take posts for this channel (e.g. <c>not_in_channel</c>); a new subscribe clears it.
    /// One state, one name: the code, the store, <c>list</c> and the metrics all say "paused".
    /// </summary>
    [JsonPropertyName("pausedReason")]
    public string? PausedReason { get; init; }

    [JsonPropertyName("pausedAt")]
    public DateTimeOffset? PausedAt { get; init; }

    /// <summary>The name records stored before 2026-12-06 used for <see cref="PausedReason"/>: read, never written.</summary>
    [JsonPropertyName("suspendedReason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StoredAsSuspendedReason
    {
        get => null;
        init => PausedReason ??= value;
    }

    /// <summary>The name records stored before 2026-12-06 used for <see cref="PausedAt"/>: read, never written.</summary>
    [JsonPropertyName("suspendedAt")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? StoredAsSuspendedAt
    {
        get => null;
        init => PausedAt ??= value;
    }

    [JsonIgnore]
    public bool IsPaused => PausedReason is not null;

    /// <summary>On-call alerts still standing in this channel, one per kind (see <see cref="OnCall"/>).</summary>
    [JsonPropertyName("alerts")]
    public ImmutableList<OpenAlert> Alerts { get; init => field = value ?? []; } = []; // never null: see Pending

    /// <summary>Alerts held for this channel until a time; null when not snoozed.</summary>
    [JsonPropertyName("snooze")]
    public Snooze? Snooze { get; init; }
}

/// <summary>
/// A notification decided and waiting for Slack to accept it: what was decided (the kind and its facts), rendered only
/// when it is delivered, so a fix to a message's wording reaches notifications already queued. The id makes a retry
/// recognisable in logs, and is the message's metadata id in Slack, by which a post that may have landed is found.
/// </summary>
public sealed record PendingNotification(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("kind")] NotificationKind Kind,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt)
{
    /// <summary>What the rules saw when they decided; null only in records stored before 2026-12-06.</summary>
    [JsonPropertyName("facts")]
    public NotificationFacts? Facts { get; init; }

    /// <summary>
    /// The message as the version before 2026-12-06 rendered and stored it; such an entry is posted as it was stored.
    /// Never written for new decisions.
    /// </summary>
    [JsonPropertyName("messageJson")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MessageJson { get; init; }

    [JsonPropertyName("attempts")]
    public int Attempts { get; init; }

    /// <summary>When it was first sent to Slack; the lookup for it starts just before.</summary>
    [JsonPropertyName("firstAttemptAt")]
    public DateTimeOffset? FirstAttemptAt { get; init; }

    /// <summary>
    /// Slack may already have it: set before every post and cleared only when Slack says it did not take it. A post
    /// whose answer was a 5xx or never came, or whose "sent" could not be written, is looked up before it is re-posted.
    /// </summary>
    [JsonPropertyName("maybePosted")]
    public bool MaybePosted { get; init; }

    /// <summary>A raise again of the open alert <see cref="AlertId"/>: the how-manieth (1 for the first); null for a first raise.</summary>
    [JsonPropertyName("reAlert")]
    public int? ReAlert { get; init; }

    /// <summary>The alert whose buttons this message carries: its own id for a first raise, the original's for a re-alert.</summary>
    [JsonPropertyName("alertId")]
    public string? AlertId { get; init; }

    /// <summary>For <see cref="NotificationKind.DifferingTables"/>: what DRS said, read once, when first delivered.</summary>
    [JsonPropertyName("tables")]
    public TablesResult? Tables { get; init; }
}

/// <summary>
/// The facts behind one decided notification: the reading (or the last known one), the failure, how many polls in a
/// row failed, whom to mention, and since when progress stood still or the delay rose.
/// </summary>
public sealed record NotificationFacts(
    [property: JsonPropertyName("progress")] CompareProgress? Progress,
    [property: JsonPropertyName("failure")] DrsFailure? Failure,
    [property: JsonPropertyName("failedPolls")] int FailedPolls,
    [property: JsonPropertyName("mentions")] string Mentions,
    [property: JsonPropertyName("progressSince")] DateTimeOffset? ProgressSince,
    [property: JsonPropertyName("delayRisingSince")] DateTimeOffset? DelayRisingSince)
{
    /// <summary>For <see cref="NotificationKind.SnoozeEnded"/>: what the snooze held, and who set it.</summary>
    [JsonPropertyName("held")]
    public ImmutableList<NotificationKind>? Held { get; init; }

    [JsonPropertyName("snoozedBy")]
    public string? SnoozedBy { get; init; }

    public static NotificationFacts Of(Subscription subscription, CompareProgress? progress, DrsFailure? failure, int failedPolls) =>
        new(progress, failure, failedPolls, string.Join(" ", subscription.Mentions), subscription.Rules.ProgressSince, subscription.Rules.DelayRisingSince);
}

/// <summary>A thread parent sent (or about to be) under this metadata id, at this time.</summary>
public sealed record ParentAttempt([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("at")] DateTimeOffset At);
