using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace DrsBot.Watching;

/// <summary>
/// An on-call alert still standing in one channel: posted (its <see cref="Ts"/> once Slack took it), maybe
/// acknowledged, maybe raised again. It closes when its condition clears (the rule that raised it re-arms, or DRS
/// answers again), and an acknowledgement closes with it.
/// </summary>
public sealed record OpenAlert(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("kind")] NotificationKind Kind,
    [property: JsonPropertyName("raisedAt")] DateTimeOffset RaisedAt)
{
    /// <summary>The alert's message in the channel (or thread), for chat.update; null until delivered.</summary>
    [JsonPropertyName("ts")]
    public string? Ts { get; init; }

    [JsonPropertyName("ackBy")]
    public string? AckBy { get; init; }

    [JsonPropertyName("ackAt")]
    public DateTimeOffset? AckAt { get; init; }

    /// <summary>How many times it was raised again, and when last (the first raise counts as the start).</summary>
    [JsonPropertyName("reAlerts")]
    public int ReAlerts { get; init; }

    [JsonPropertyName("lastRaisedAt")]
    public DateTimeOffset? LastRaisedAt { get; init; }

    /// <summary>What the alert said, so that its message can be rendered again (acknowledged) without DRS.</summary>
    [JsonPropertyName("facts")]
    public NotificationFacts? Facts { get; init; }

    [JsonIgnore]
    public bool IsAcknowledged => AckBy is not null;
}

/// <summary>A channel's snooze of one comparison: alerts held until <see cref="Until"/>, and which were held.</summary>
public sealed record Snooze(
    [property: JsonPropertyName("until")] DateTimeOffset Until,
    [property: JsonPropertyName("by")] string By,
    [property: JsonPropertyName("at")] DateTimeOffset At)
{
    [JsonPropertyName("held")]
    public ImmutableList<NotificationKind> Held { get; init => field = value ?? []; } = []; // never null: see Subscription.Pending
}

/// <summary>Re-alert settings: off when <see cref="Every"/> is null.</summary>
public sealed record ReAlertSettings(TimeSpan? Every, int Max);

/// <summary>
/// The on-call layer over the rules' decisions, for one subscription: which decisions open alerts, which a snooze
/// holds, when a snooze ends, and when an unacknowledged alert is raised again. Pure: no I/O, no clock of its own.
/// </summary>
public static class OnCall
{
    public const int MaxSnoozeDays = 7;

    /// <summary>Alerts that need a person: they carry Acknowledge, and a snooze holds them.</summary>
    public static bool IsAlert(NotificationKind kind) => kind is NotificationKind.RecheckNeeded or NotificationKind.ComparisonGone
        or NotificationKind.DrsFailing or NotificationKind.Stalled or NotificationKind.FallingBehind;

    /// <summary>
    /// What a snooze holds: the alerts, and "DRS is answering again", whose alert it would follow. Completion and
    /// caught-up still go out, and so does "comparison gone": it ends the watch, so holding it would mean never telling.
    /// </summary>
    public static bool IsHeld(NotificationKind kind) => kind is NotificationKind.RecheckNeeded or NotificationKind.DrsFailing
        or NotificationKind.DrsRecovered or NotificationKind.Stalled or NotificationKind.FallingBehind;

    /// <summary>Whether the condition an alert of <paramref name="kind"/> reported still holds in <paramref name="state"/>.</summary>
    public static bool StillHolds(NotificationKind kind, RuleState state) => kind switch
    {
        NotificationKind.RecheckNeeded => !state.RecheckArmed,
        NotificationKind.DrsFailing => state.OutageAnnounced,
        NotificationKind.Stalled => state.StallAnnounced,
        NotificationKind.FallingBehind => state.BehindAnnounced,
        NotificationKind.ComparisonGone => true,
        _ => false,
    };

    /// <summary>
    /// Whether the latest poll still shows the condition, for raising it again: rows back at 0 are not re-alerted while
    /// the rule waits out its hysteresis, though the alert (and who acknowledged it) stands until the rule re-arms.
    /// </summary>
    public static bool StillShows(NotificationKind kind, RuleState state) => StillHolds(kind, state) && kind switch
    {
        NotificationKind.RecheckNeeded => state.RecheckRows > 0,
        NotificationKind.DrsFailing => state.FailureStreak > 0,
        NotificationKind.FallingBehind => state.DelayRisingSince is not null,
        _ => true,
    };

    public static bool IsSnoozed(this Subscription s, DateTimeOffset now) => s.Snooze is { } z && now < z.Until;

    /// <summary>
    /// One subscription after a poll whose rules decided <paramref name="decided"/> and left <paramref name="state"/>:
    /// the notifications to queue (made by <paramref name="pending"/>) and the alerts and snooze as they now stand.
    /// </summary>
    public static (Subscription Subscription, IReadOnlyList<PendingNotification> Queued) Apply(
        Subscription s, RuleState state, IReadOnlyList<NotificationKind> decided, DateTimeOffset now, ReAlertSettings reAlert,
        Func<NotificationKind, PendingNotification> pending)
    {
        var queued = new List<PendingNotification>();
        var snooze = s.Snooze;
        if (snooze is not null && now >= snooze.Until)
        {
            queued.Add(pending(NotificationKind.SnoozeEnded) is var ended
                ? ended with { Facts = ended.Facts! with { Held = snooze.Held, SnoozedBy = snooze.By } }
                : ended);
            snooze = null;
        }

        // An alert whose condition cleared is over, and so is its acknowledgement.
        var alerts = s.Alerts.RemoveAll(a => !StillHolds(a.Kind, state));
        foreach (var kind in decided)
        {
            if (snooze is not null && IsHeld(kind))
            {
                snooze = snooze with { Held = snooze.Held.Add(kind) }; // decided and recorded, not posted: nobody is mentioned
                continue;
            }

            var note = pending(kind);
            queued.Add(note);
            if (IsAlert(kind))
            {
                alerts = alerts.RemoveAll(a => a.Kind == kind).Add(new OpenAlert(note.Id, kind, now) { LastRaisedAt = now, Facts = note.Facts });
            }

            if (kind == NotificationKind.RecheckNeeded && !s.Flat)
            {
                queued.Add(pending(NotificationKind.DifferingTables)); // which tables, as a reply in the alert's thread
            }
        }

        if (reAlert.Every is { } every && snooze is null)
        {
            foreach (var alert in alerts.ToList())
            {
                if (alert is { IsAcknowledged: false, Ts: not null } && alert.Kind != NotificationKind.ComparisonGone && StillShows(alert.Kind, state)
                    && alert.ReAlerts < reAlert.Max && now - (alert.LastRaisedAt ?? alert.RaisedAt) >= every)
                {
                    var again = pending(alert.Kind);
                    queued.Add(again with { ReAlert = alert.ReAlerts + 1, AlertId = alert.Id });
                    alerts = alerts.Replace(alert, alert with { ReAlerts = alert.ReAlerts + 1, LastRaisedAt = now });
                }
            }
        }

        return (s with { Alerts = alerts, Snooze = snooze, Pending = s.Pending.AddRange(queued) }, queued);
    }

    /// <summary>
    /// Records <paramref name="user"/>'s acknowledgement of the alert <paramref name="alertId"/>; the first press wins,
    /// so two at once record one. Null when the alert is no longer open (its condition cleared).
    /// </summary>
    public static (Subscription Subscription, OpenAlert? Alert) Acknowledge(Subscription s, string alertId, string user, DateTimeOffset now)
    {
        if (s.Alerts.Find(a => a.Id == alertId) is not { } alert)
        {
            return (s, null);
        }

        if (alert.IsAcknowledged)
        {
            return (s, alert);
        }

        var acked = alert with { AckBy = user, AckAt = now };
        return (s with { Alerts = s.Alerts.Replace(alert, acked) }, acked);
    }

    /// <summary>The latest snooze wins: a new one replaces the old, keeping what the old one held.</summary>
    public static Subscription SnoozeUntil(Subscription s, DateTimeOffset until, string user, DateTimeOffset now) =>
        s with { Snooze = new Snooze(until, user, now) { Held = s.Snooze?.Held ?? [] } };
}
