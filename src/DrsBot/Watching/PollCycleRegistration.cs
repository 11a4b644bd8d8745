using Hangfire;
using Microsoft.Extensions.Options;

namespace DrsBot.Watching;

/// <summary>
/// Registers (or re-times) the one recurring poll tick, and brings forward poll times that an earlier, longer
/// <c>Watch:PollInterval</c> set. Runs beside start-up rather than in it: a replica that starts while the database
/// is away keeps trying every few seconds instead of failing, and /readyz says 503 meanwhile.
/// </summary>
internal sealed partial class PollCycleRegistration(
    IRecurringJobManager jobs, IWatchStore store, IOptions<WatchOptions> options, TimeProvider time, ILogger<PollCycleRegistration> logger)
    : BackgroundService
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                jobs.AddOrUpdate<PollCycleJob>(
                    PollCycleJob.Id,
                    job => job.RunAsync(CancellationToken.None),
                    PollCycleJob.Cron(options.Value.PollInterval),
                    new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
                await store.PollWithinAsync(options.Value.PollInterval, stoppingToken);
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Hangfire's storage throws its driver's exceptions; whatever the cause, the remedy is to try again.
                LogNotYet(logger, RetryEvery, e.Message);
                await Task.Delay(RetryEvery, time, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not schedule polling yet (storage unavailable?); trying again in {RetryEvery}: {Reason}")]
    private static partial void LogNotYet(ILogger logger, TimeSpan retryEvery, string reason);
}
