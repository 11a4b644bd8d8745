namespace DrsBot.Watching;

/// <summary>
/// At start-up, gives every watch with an active subscription a recurring job on the current schedule. With a
/// persistent store this re-applies a changed <c>Watch:PollInterval</c> and repairs a job lost between writes.
/// </summary>
internal sealed partial class WatchScheduleSync(IWatchStore store, WatchScheduler scheduler, ILogger<WatchScheduleSync> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduled = 0;
        foreach (var comparison in store.Watches())
        {
            if (store.Subscriptions(comparison).Any(s => !s.IsSuspended))
            {
                scheduler.Schedule(comparison);
                scheduled++;
            }
        }

        if (scheduled > 0)
        {
            LogScheduled(logger, scheduled);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled polls for {Count} watched comparisons")]
    private static partial void LogScheduled(ILogger logger, int count);
}
