using System.Collections.Immutable;
using DrsBot.Drs;

namespace DrsBot.Watching;

/// <summary>A channel watching a comparison: who asked, whom to mention, what the rules remember, what is owed.</summary>
public sealed record Subscription(
    ComparisonRef Comparison,
    string ChannelId,
    ImmutableArray<string> Mentions,
    string SubscribedBy,
    DateTimeOffset SubscribedAt,
    RuleState Rules)
{
    /// <summary>Notifications decided but not yet confirmed delivered, oldest first (the outbox).</summary>
    public ImmutableList<PendingNotification> Pending { get; init; } = [];

    /// <summary>Why posting stopped (e.g. <c>not_in_channel</c>); a new subscribe clears it.</summary>
    public string? SuspendedReason { get; init; }

    public DateTimeOffset? SuspendedAt { get; init; }

    public bool IsSuspended => SuspendedReason is not null;
}

/// <summary>A rendered notification waiting for Slack to accept it. The id makes a retry recognisable in logs.</summary>
public sealed record PendingNotification(string Id, NotificationKind Kind, string MessageJson, DateTimeOffset CreatedAt)
{
    public int Attempts { get; init; }
}
