using System.Collections.Immutable;
using DrsBot.Drs;

namespace DrsBot.Watching;

/// <summary>
/// A channel of one workspace watching a comparison: who asked, whom to mention, what the rules remember, what is
/// owed. A subscription belongs to (team, channel): the same channel id from another workspace is someone else's.
/// </summary>
public sealed record Subscription(
    ComparisonRef Comparison,
    string ChannelId,
    ImmutableArray<string> Mentions,
    string SubscribedBy,
    DateTimeOffset SubscribedAt,
    RuleState Rules)
{
    /// <summary>The Slack workspace (team id) the channel belongs to.</summary>
    public string TeamId { get; init; } = "";

    public string? EnterpriseId { get; init; }

    /// <summary>Who last changed the mentions (by subscribing again), and when; null until someone does.</summary>
    public string? MentionsChangedBy { get; init; }

    public DateTimeOffset? MentionsChangedAt { get; init; }

    /// <summary>True (<c>--no-thread</c>): notifications are plain channel messages, as before threads.</summary>
    public bool Flat { get; init; }

    /// <summary>The <c>ts</c> of this channel's thread parent for the comparison; null until the first notification.</summary>
    public string? ThreadTs { get; init; }

    /// <summary>What the parent last showed (its summary line) and when it was last updated, to update only on change.</summary>
    public string? ParentShows { get; init; }

    public DateTimeOffset? ParentUpdatedAt { get; init; }

    /// <summary>
    /// A thread parent being posted: recorded before the post, so that a parent Slack took but whose ts was not saved
    /// is found in the channel by this id rather than posted a second time. Cleared once its ts is saved.
    /// </summary>
    public ParentAttempt? ParentAttempt { get; init; }

    public bool Is(string teamId, string channelId) => TeamId == teamId && ChannelId == channelId;

    /// <summary>Notifications decided but not yet confirmed delivered, oldest first (the outbox).</summary>
    public ImmutableList<PendingNotification> Pending { get; init; } = [];

    /// <summary>Why posting stopped (e.g. <c>not_in_channel</c>); a new subscribe clears it.</summary>
    public string? SuspendedReason { get; init; }

    public DateTimeOffset? SuspendedAt { get; init; }

    public bool IsSuspended => SuspendedReason is not null;
}

/// <summary>
/// A rendered notification waiting for Slack to accept it. The id makes a retry recognisable in logs, and is the
/// message's metadata id in Slack, by which a post that may have landed is found again.
/// </summary>
public sealed record PendingNotification(string Id, NotificationKind Kind, string MessageJson, DateTimeOffset CreatedAt)
{
    public int Attempts { get; init; }

    /// <summary>When it was first sent to Slack; the lookup for it starts just before.</summary>
    public DateTimeOffset? FirstAttemptAt { get; init; }

    /// <summary>
    /// Slack may already have it: set before every post and cleared only when Slack says it did not take it. A post
    /// whose answer was a 5xx or never came, or whose "sent" could not be written, is looked up before it is re-posted.
    /// </summary>
    public bool MaybePosted { get; init; }
}

/// <summary>A thread parent sent (or about to be) under this metadata id, at this time.</summary>
public sealed record ParentAttempt(string Id, DateTimeOffset At);
