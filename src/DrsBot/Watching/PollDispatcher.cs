using DrsBot.Drs;
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
    IOptions<WatchOptions> options,
    DrsBotMetrics metrics,
    TimeProvider time,
    ILogger<PollDispatcher> logger) : IHostedService, IDisposable
{
    private readonly InFlight _polls = new();
    private int _cycle;
    private int _storeDown;
    private volatile bool _stopping;

    /// <summary>One cycle: polls whatever is due until nothing is. A cycle already running on this replica suffices.</summary>
    public async Task RunDueAsync(CancellationToken stop)
    {
        if (Interlocked.Exchange(ref _cycle, 1) == 1)
        {
            return;
        }

        try
        {
            await RunCycleAsync(stop);
        }
        finally
        {
            Volatile.Write(ref _cycle, 0);
        }
    }

    /// <summary>Polls one comparison now, due or not; false when it needs no poll or another poll holds it.</summary>
    public async Task<bool> PollNowAsync(ComparisonRef comparison)
    {
        PollLease? lease;
        try
        {
            lease = await store.TryLeaseAsync(comparison, time.GetUtcNow(), options.Value.PollLease);
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
                    leased = await store.LeaseDueAsync(time.GetUtcNow(), max - running.Count, options.Value.PollLease, CancellationToken.None);
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
            if (running.Count == 0)
            {
                return;
            }

            if (leased.Count == 0 || running.Count >= max)
            {
                running.Remove(await Task.WhenAny(running));
            }
        }
    }

    private async Task PollAsync(PollLease lease)
    {
        var comparison = lease.Comparison;
        using var logScope = logger.BeginScope(LogScopes.Comparison(comparison.Key));
        var started = time.GetUtcNow();
        if (lease.DueAt is { } due && due <= started)
        {
            // A poll on demand (PollNowAsync) may run before it is due; only lateness counts.
            var missed = started - due > schedule.Interval;
            metrics.PollStarted(started - due, missed);
            if (missed)
            {
                LogLate(logger, comparison.Key, started - due);
            }
        }

        var keeper = new LeaseKeeper(store, lease, options.Value.PollLease, time);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ComparisonPoll>().RunAsync(keeper, _polls.Aborted);
        }
        catch (WatchStoreUnavailableException e)
        {
            LogStoreUnavailable(logger, e.Message);
        }
        catch (Exception e) when (!_polls.IsAborted)
        {
            LogFailed(logger, comparison.Key, e);
        }
        finally
        {
            await keeper.DisposeAsync();
        }

        try
        {
            // From now, not from when it was due: a poll that ran late is not followed by another at once.
            await store.ReleaseAsync(keeper.Lease, schedule.Next(comparison, time.GetUtcNow()));
        }
        catch (WatchStoreUnavailableException)
        {
            // The lease runs out by itself and the comparison is polled again then.
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Poll of {Comparison} failed")]
    private static partial void LogFailed(ILogger logger, string comparison, Exception e);
}
