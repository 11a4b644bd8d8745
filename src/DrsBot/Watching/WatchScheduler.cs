using System.Text;
using DrsBot.Drs;
using Hangfire;
using Microsoft.Extensions.Options;

namespace DrsBot.Watching;

/// <summary>One Hangfire recurring job per watched comparison, however many channels watch it.</summary>
public sealed class WatchScheduler(IRecurringJobManager jobs, IOptions<WatchOptions> options)
{
    public static string JobId(ComparisonRef comparison) => $"drs-watch:{comparison.Key}";

    public void Schedule(ComparisonRef comparison) =>
        jobs.AddOrUpdate<PollComparisonJob>(
            JobId(comparison),
            job => job.RunAsync(comparison.Key, CancellationToken.None),
            options.Value.Cron(StableHash(comparison.Key)),
            new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });

    public void Unschedule(ComparisonRef comparison) => jobs.RemoveIfExists(JobId(comparison));

    // FNV-1a: string.GetHashCode differs per process, and every replica must agree on the schedule.
    private static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }
}
