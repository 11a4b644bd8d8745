using Hangfire;
using Microsoft.Extensions.Options;

namespace DrsBot.Watching;

/// <summary>
/// At start-up: registers (or re-times) the one recurring poll tick, and brings forward poll times that an earlier,
/// longer <c>Watch:PollInterval</c> set. A storage that is down now only delays this to the next start.
/// </summary>
internal sealed partial class PollCycleRegistration(
    IRecurringJobManager jobs, IWatchStore store, IOptions<WatchOptions> options, TimeProvider time, ILogger<PollCycleRegistration> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        jobs.AddOrUpdate<PollCycleJob>(
            PollCycleJob.Id,
            job => job.RunAsync(CancellationToken.None),
            PollCycleJob.Cron(options.Value.PollInterval),
            new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        try
        {
            await store.PollNoLaterThanAsync(time.GetUtcNow() + options.Value.PollInterval, cancellationToken);
        }
        catch (WatchStoreUnavailableException e)
        {
            LogStoreUnavailable(logger, e.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage unavailable at start-up; poll times are kept as they are: {Reason}")]
    private static partial void LogStoreUnavailable(ILogger logger, string reason);
}
