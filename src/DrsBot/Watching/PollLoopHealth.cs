using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace DrsBot.Watching;

/// <summary>
/// Liveness of this replica's poll loop. The loop reports each step it takes (polls leased, a poll finished, a
/// cycle ended); every poll ends by <see cref="WatchOptions.PollDeadline"/>, so a loop that took no step for three
/// intervals plus the deadline is wedged, and <c>/healthz</c> fails so that the orchestrator restarts the replica.
/// A loop that is merely not being run while the storage is down is not wedged: a restart would not bring the
/// database back, and the replica still answers commands.
/// </summary>
public sealed partial class PollLoopHealth(
    IOptions<WatchOptions> options, WatchStoreStatus storage, TimeProvider time, ILogger<PollLoopHealth> logger) : IHealthCheck
{
    public const string LiveTag = "live";

    private long _lastStep = time.GetTimestamp();
    private int _inCycle;
    private int _reported;

    public void CycleStarted()
    {
        Volatile.Write(ref _inCycle, 1);
        Step();
    }

    public void Step() => Volatile.Write(ref _lastStep, time.GetTimestamp());

    public void CycleEnded()
    {
        Step();
        Volatile.Write(ref _inCycle, 0);
    }

    public TimeSpan Limit => (3 * options.Value.PollInterval) + options.Value.PollDeadline;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var quiet = time.GetElapsedTime(Volatile.Read(ref _lastStep));
        var inCycle = Volatile.Read(ref _inCycle) == 1;
        if (quiet <= Limit || (!inCycle && !storage.IsUp))
        {
            Volatile.Write(ref _reported, 0);
            return Task.FromResult(HealthCheckResult.Healthy());
        }

        var why = inCycle
            ? $"the poll loop has been inside one cycle for {quiet.TotalSeconds:0} s without finishing a poll"
            : $"no poll cycle has run for {quiet.TotalSeconds:0} s although the storage answers";
        if (Interlocked.Exchange(ref _reported, 1) == 0)
        {
            LogWedged(logger, why, Limit);
        }

        return Task.FromResult(HealthCheckResult.Unhealthy("poll loop wedged"));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Liveness failing: {Why} (limit {Limit}: three Watch:PollInterval plus Watch:PollDeadline); restart this replica")]
    private static partial void LogWedged(ILogger logger, string why, TimeSpan limit);
}
