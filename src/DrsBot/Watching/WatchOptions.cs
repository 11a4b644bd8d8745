using DrsBot.Infrastructure;



namespace DrsBot.Watching;

/// <summary>The <c>Watch</c> configuration section: how often to poll and when to speak up.</summary>
public sealed class WatchOptions
{
    public const string Section = "Watch";

    /// <summary>Between 5 seconds and 24 hours, and a whole divisor of a minute, an hour or a day (cron must express it).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Consecutive failed polls before the on-call alert "DRS is not answering".</summary>
    public int FailuresBeforeAlert { get; set; } = 3;

    /// <summary>After "complete", progress must fall below this before a new completion is announced.</summary>
    public double CompletionRearmBelowPercent { get; set; } = 90;

    /// <summary>After "caught up", the delay must exceed this before a new catch-up is announced.</summary>
    public double CatchUpRearmAboveSeconds { get; set; } = 30;

    /// <summary>After a recheck alert, rows to recheck must read 0 this many polls in a row before a new alert.</summary>
    public int RecheckRearmAfterZeroPolls { get; set; } = 3;

    /// <summary>Consecutive "task not found" answers before a comparison is declared gone and unwatched.</summary>
    public int NotFoundPollsBeforeGone { get; set; } = 2;

    /// <summary>
    /// How long one poll may hold a comparison before another replica may take it over. The holder renews it
    /// while it works, so this only matters when a replica dies mid-poll: its comparisons wait this long.
    /// </summary>
    public TimeSpan PollLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The most one poll (its DRS call, its posts to Slack, its writes) or one digest may take. A poll past it is
    /// abandoned and its lease let go, so a remote that stalls mid-answer costs one comparison one interval, never
    /// the replica its polling.
    /// </summary>
    public TimeSpan PollDeadline { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Polls one replica runs at once. They wait on DRS and Slack, not on a CPU, so this can be high.</summary>
    public int MaxConcurrentPolls { get; set; } = 64;

    /// <summary>Comparisons one channel may watch; more is refused with an explanation.</summary>
    public int MaxSubscriptionsPerChannel { get; set; } = 50;

    /// <summary>Subscriptions one workspace may hold across its channels.</summary>
    public int MaxSubscriptionsPerTeam { get; set; } = 500;

    /// <summary>Notifications one subscription's outbox keeps while Slack refuses them; the oldest go first.</summary>
    public int MaxOutbox { get; set; } = 20;

    /// <summary>Notifications older than this are dropped undelivered: news of yesterday is noise today.</summary>
    public TimeSpan MaxOutboxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A thread parent is updated (chat.update) at most this often, and only when what it shows changed.</summary>
    public TimeSpan ThreadUpdateMinInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Full progress unchanged, or the delay rising on every poll, this long: one on-call alert.</summary>
    public TimeSpan StallAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Off (null) by default. When set, an on-call alert nobody acknowledged whose condition still holds is raised again
    /// once per this period, with its mentions, at most <see cref="MaxReAlerts"/> times.
    /// </summary>
    public TimeSpan? ReAlertAfter { get; set; }

    public int MaxReAlerts { get; set; } = 3;

    public RuleSettings Rules => new(
        FailuresBeforeAlert, CompletionRearmBelowPercent, CatchUpRearmAboveSeconds, RecheckRearmAfterZeroPolls, NotFoundPollsBeforeGone, StallAfter);

    /// <summary>
    /// Intervals that divide a minute, an hour or a day evenly, so every replica computes the same poll times
    /// (see <see cref="PollSchedule"/>) and a comparison is polled at the same seconds past each minute or hour.
    /// </summary>
    public static bool IsExpressible(TimeSpan i) =>
        i >= TimeSpan.FromSeconds(5) && i <= TimeSpan.FromHours(24) && i.Ticks % TimeSpan.TicksPerSecond == 0 && (
            (i < TimeSpan.FromMinutes(1) && 60 % (int)i.TotalSeconds == 0) ||
            (i >= TimeSpan.FromMinutes(1) && i < TimeSpan.FromHours(1) && i.Ticks % TimeSpan.TicksPerMinute == 0 && 60 % (int)i.TotalMinutes == 0) ||
            (i >= TimeSpan.FromHours(1) && i.Ticks % TimeSpan.TicksPerHour == 0 && 24 % (int)i.TotalHours == 0));
}

internal sealed class WatchOptionsValidator : KeyedOptionsValidator<WatchOptions>
{
    protected override void Check(WatchOptions options, List<string> problems)
    {
        if (!WatchOptions.IsExpressible(options.PollInterval))
        {
            problems.Add("Watch:PollInterval must be 5 seconds to 24 hours and divide a minute, an hour or a day evenly (e.g. 00:00:10, 00:01:00, 00:05:00)");
        }

        if (options.FailuresBeforeAlert is < 1 or > 100)
        {
            problems.Add("Watch:FailuresBeforeAlert must be between 1 and 100");
        }

        if (options.CompletionRearmBelowPercent is <= 0 or >= 100)
        {
            problems.Add("Watch:CompletionRearmBelowPercent must be between 0 and 100");
        }

        if (options.CatchUpRearmAboveSeconds < 0)
        {
            problems.Add("Watch:CatchUpRearmAboveSeconds must not be negative");
        }

        if (options.RecheckRearmAfterZeroPolls < 1 || options.NotFoundPollsBeforeGone < 1)
        {
            problems.Add("Watch:RecheckRearmAfterZeroPolls and Watch:NotFoundPollsBeforeGone must be at least 1");
        }

        if (options.PollLease < TimeSpan.FromSeconds(1) || options.PollLease > TimeSpan.FromHours(1))
        {
            problems.Add("Watch:PollLease must be between 00:00:01 and 01:00:00");
        }

        if (options.PollDeadline < TimeSpan.FromSeconds(1) || options.PollDeadline > TimeSpan.FromMinutes(30))
        {
            problems.Add("Watch:PollDeadline must be between 00:00:01 and 00:30:00");
        }

        if (options.MaxSubscriptionsPerChannel < 1 || options.MaxSubscriptionsPerTeam < options.MaxSubscriptionsPerChannel)
        {
            problems.Add("Watch:MaxSubscriptionsPerChannel must be at least 1, and Watch:MaxSubscriptionsPerTeam at least as large");
        }

        if (options.MaxOutbox is < 1 or > 1000 || options.MaxOutboxAge < TimeSpan.FromMinutes(1))
        {
            problems.Add("Watch:MaxOutbox must be between 1 and 1000, and Watch:MaxOutboxAge at least 00:01:00");
        }

        if (options.StallAfter < TimeSpan.FromMinutes(1))
        {
            problems.Add("Watch:StallAfter must be at least 00:01:00");
        }

        if (options.ReAlertAfter is { } every && (every < TimeSpan.FromMinutes(1) || every > TimeSpan.FromDays(7)))
        {
            problems.Add("Watch:ReAlertAfter must be between 00:01:00 and 7.00:00:00 (or left out: no re-alerts)");
        }

        if (options.MaxReAlerts is < 1 or > 100)
        {
            problems.Add("Watch:MaxReAlerts must be between 1 and 100");
        }

        if (options.MaxConcurrentPolls is < 1 or > 1024)
        {
            problems.Add("Watch:MaxConcurrentPolls must be between 1 and 1024");
        }
    }
}
