using Hangfire;
using Microsoft.Extensions.Options;

namespace DrsBot.Watching;

/// <summary>Registers (or re-times, after a change of <c>Watch:PollInterval</c>) the one recurring poll tick.</summary>
internal sealed class PollCycleRegistration(IRecurringJobManager jobs, IOptions<WatchOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        jobs.AddOrUpdate<PollCycleJob>(
            PollCycleJob.Id,
            job => job.RunAsync(CancellationToken.None),
            PollCycleJob.Cron(options.Value.PollInterval),
            new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
