using Hangfire.States;
using Hangfire.Storage;

namespace DrsBot.Watching;

/// <summary>
/// Finished jobs expire after ten minutes instead of Hangfire's day: a poll tick every few seconds would otherwise
/// keep tens of thousands of finished jobs (and their states and parameters) in the database at all times.
/// </summary>
internal sealed class ShortJobHistory : IApplyStateFilter
{
    public static readonly TimeSpan Keep = TimeSpan.FromMinutes(10);

    public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction) =>
        context.JobExpirationTimeout = Keep;

    public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
    }
}
