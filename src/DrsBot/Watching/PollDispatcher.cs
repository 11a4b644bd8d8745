using DrsBot.Infrastructure;
using Microsoft.Extensions.Options;

namespace DrsBot.Watching;

/// <summary>
/// Runs the polls that are due, on every replica at once. Each cycle leases due comparisons from the store (so
/// replicas share the work and never poll one comparison twice) and runs up to
/// <see cref="WatchOptions.MaxConcurrentPolls"/> of them concurrently: a poll waits on DRS and Slack without holding
/// a thread, so one cycle keeps hundreds of comparisons moving where one Hangfire worker per poll could not.
/// On shutdown no new poll starts, and those running finish within the host's shutdown timeout.
/// </summary>
public sealed partial class PollDispatcher(
    IWatchStore store,
    IServiceScopeFactory scopes,
    PollSchedule schedule,
    PollLoopHealth health,
    IOptions<WatchOptions> options,
    DrsBotMetrics metrics,
    TimeProvider time,
    ILogger<PollDispatcher> logger) : IHostedService, IDisposable
{
    /// <summary>Tries to let go of a lease after a poll before leaving it to expire (a database blip, a full pool).</summary>
    private static readonly TimeSpan[] ReleaseRetries = [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)];

    private readonly InFlight _polls = new();
    private int _cycle;
    private int _storeDown;
    private volatile bool _stopping;

    /// <summary>One cycle: polls whatever is due until nothing is. A cycle already running on this replica suffices.</summary>
    public Task RunDueAsync(CancellationToken stop) => TryRunDueAsync(stop);

    /// <summary>A cycle, unless one is already running: then false at once (tests that drive a fake clock try again).</summary>
    internal async Task<bool> TryRunDueAsync(CancellationToken stop)
    {
        if (Interlocked.Exchange(ref _cycle, 1) == 1)
        {
            return false;
        }

        health.CycleStarted();
        try
        {
            await RunCycleAsync(stop);
        }
        finally
        {
            health.CycleEnded();
            Volatile.Write(ref _cycle, 0);
        }

        return true;
    }

    /// <summary>Polls one comparison now, due or not; false when it needs no poll or another poll holds it.</summary>
    public async Task<bool> PollNowAsync(ComparisonRef comparison)
    {
        PollLease? lease;
        try
        {
            lease = await store.TryLeaseAsync(comparison, store.Clock.GetUtcNow(), options.Value.PollLease);
        }
        catch (WatchStoreUnavailableException e)
        {
            LogStoreUnavailable(logger, e.Message);
            return false;
        }

        if (lease is null)
        {
            LogBusy(logger, comparison.Key);
            return false;
        }

        await _polls.Track(PollAsync(lease));
        return true;
    }

    private async Task RunCycleAsync(CancellationToken stop)
    {
        var max = options.Value.MaxConcurrentPolls;
        var running = new List<Task>();
        while (true)
        {
            IReadOnlyList<PollLease> leased = [];
            if (running.Count < max && !stop.IsCancellationRequested && !_stopping)
            {
                try
                {
                    leased = await store.LeaseDueAsync(store.Clock.GetUtcNow(), max - running.Count, options.Value.PollLease, CancellationToken.None);
                    if (Interlocked.Exchange(ref _storeDown, 0) == 1)
                    {
                        LogStoreBack(logger);
                    }
                }
                catch (WatchStoreUnavailableException e)
                {
                    // The next tick tries again and nothing is lost meanwhile; one line per outage, not one a second.
                    if (Interlocked.Exchange(ref _storeDown, 1) == 0)
                    {
                        LogStoreUnavailable(logger, e.Message);
                    }
                }
            }

            running.AddRange(leased.Select(lease => _polls.Track(PollAsync(lease))));
            health.Step();
            if (running.Count == 0)
            {
                return;
            }

            // Every poll ends by its deadline (PollAsync), so this wait does too: no poll holds up the others for long.
            if (leased.Count == 0 || running.Count >= max)
            {
                running.Remove(await Task.WhenAny(running));
            }
        }
    }

    /// <summary>
    /// One poll, bounded by <see cref="WatchOptions.PollDeadline"/>: past it the poll is cancelled and, if it does
    /// not stop, abandoned (it may post nothing more). Either way the lease is let go and the comparison is polled
    /// again at its next time. Never throws.
    /// </summary>
    private async Task PollAsync(PollLease lease)
    {
        var comparison = lease.Comparison;
        using var logScope = logger.BeginScope(LogScopes.Comparison(comparison.Key));
        var started = store.Clock.GetUtcNow();
        if (lease.DueAt is { } due && due <= started)
        {
            // A poll on demand (PollNowAsync) may run before it is due; only lateness counts.
            var missed = started - due > schedule.Interval(comparison);
            metrics.PollStarted(started - due, missed);
            if (missed)
            {
                LogLate(logger, comparison.Key, started - due);
            }
        }

        var deadline = options.Value.PollDeadline;
        var keeper = new LeaseKeeper(store, lease, options.Value.PollLease, time);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_polls.Aborted);
        var work = RunAsync(keeper, cancel.Token);
        try
        {
            await work.WaitAsync(deadline, time);
        }
        catch (TimeoutException)
        {
            keeper.Abandon(); // whatever it was doing, it posts nothing more under this lease
            await cancel.CancelAsync();
            metrics.PollAbandoned();
            LogAbandoned(logger, comparison.Key, deadline);
            _ = work.ContinueWith(static t => t.Exception, TaskScheduler.Default); // observed whenever it ends
        }

        await keeper.DisposeAsync();
        // From now, not from when it was due: a poll that ran late is not followed by another at once. Nor before the
        // slot it served: this replica's estimate of the shared clock may lag the one that made it due.
        var now = store.Clock.GetUtcNow();
        await ReleaseAsync(keeper.Lease, schedule.Next(comparison, keeper.Lease.DueAt is { } served && served > now ? served : now));
    }

    private async Task RunAsync(LeaseKeeper keeper, CancellationToken ct)
    {
        var comparison = keeper.Lease.Comparison;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ComparisonPoll>().RunAsync(keeper, ct);
        }
        catch (WatchStoreUnavailableException e)
        {
            LogStoreUnavailable(logger, e.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Past its deadline, or the host's shutdown timeout ran out: said where the deadline is enforced.
        }
        catch (Exception e) when (!_polls.IsAborted)
        {
            LogFailed(logger, comparison.Key, e);
        }
    }

    /// <summary>
    /// Lets go of the lease on every path: a lease left behind keeps every replica off the comparison until it
    /// expires (<see cref="WatchOptions.PollLease"/>, minutes). Tried a few times; if the storage stays away, the
    /// lease runs out by itself.
    /// </summary>
    private async Task ReleaseAsync(PollLease lease, DateTimeOffset nextPoll)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await store.ReleaseAsync(lease, nextPoll);
                return;
            }
            catch (Exception e) when (attempt < ReleaseRetries.Length && !_polls.IsAborted)
            {
                LogReleaseRetry(logger, lease.Comparison.Key, e.Message);
                await Task.Delay(ReleaseRetries[attempt], time);
            }
            catch (Exception e)
            {
                LogReleaseFailed(logger, lease.Comparison.Key, lease.Until, e.Message);
                return;
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Lets running polls finish; only when the host's shutdown timeout runs out are they cancelled.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        return _polls.DrainAsync(cancellationToken);
    }

    public void Dispose() => _polls.Dispose();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Skipped a poll of {Comparison}: nothing to do, or another poll holds it")]
    private static partial void LogBusy(ILogger logger, string comparison);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polled {Comparison} {Lateness} after it was due: more than one interval was missed")]
    private static partial void LogLate(ILogger logger, string comparison, TimeSpan lateness);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage unavailable; polls wait for it: {Reason}")]
    private static partial void LogStoreUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage answers again; polls resume")]
    private static partial void LogStoreBack(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Abandoned the poll of {Comparison} after {Deadline} (Watch:PollDeadline); its lease is let go and it is polled again at its next time")]
    private static partial void LogAbandoned(ILogger logger, string comparison, TimeSpan deadline);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not let go of the lease on {Comparison} yet; trying again: {Reason}")]
    private static partial void LogReleaseRetry(ILogger logger, string comparison, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not let go of the lease on {Comparison}; it expires by itself at {Until:u}: {Reason}")]
    private static partial void LogReleaseFailed(ILogger logger, string comparison, DateTimeOffset until, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Poll of {Comparison} failed")]
    private static partial void LogFailed(ILogger logger, string comparison, Exception e);
}
