using Hangfire;

namespace DrsBot.Watching;

/// <summary>
/// The recurring Hangfire job that drives polling: every tick, each replica that picks it up polls what is due.
/// Hangfire gives the schedule, its history and its dashboard; the store's leases decide who polls what.
/// </summary>
[AutomaticRetry(Attempts = 0, LogEvents = false)] // the next tick, a second or five later, is the retry
public sealed class PollCycleJob(PollDispatcher dispatcher)
{
    public const string Id = "drs-poll";

    /// <summary>Every second for short intervals, every five seconds otherwise; a tick with nothing due is one query.</summary>
    public static string Cron(TimeSpan pollInterval) => pollInterval < TimeSpan.FromMinutes(1) ? "* * * * * *" : "*/5 * * * * *";

    public Task RunAsync(CancellationToken ct) => dispatcher.RunDueAsync(ct);
}
