namespace DrsBot.Watching;

/// <summary>
/// Keeps one poll's lease alive for as long as the poll runs: renewed in the background every third of its
/// length, and confirmed right before each Slack post, so a drain that outlasts the lease is never joined by a
/// second poller posting the same outbox entry. Once the lease is lost, <see cref="ConfirmAsync"/> says so for good.
/// </summary>
public sealed class LeaseKeeper : IAsyncDisposable
{
    private readonly IWatchStore _store;
    private readonly TimeSpan _duration;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewals;
    private PollLease _lease;
    private long _heldFrom; // this machine's monotonic time when the lease was last known to be ours
    private volatile bool _lost;

    public LeaseKeeper(IWatchStore store, PollLease lease, TimeSpan duration, TimeProvider time)
    {
        _store = store;
        _lease = lease;
        _duration = duration;
        _time = time;
        _heldFrom = time.GetTimestamp();
        _renewals = RenewPeriodicallyAsync();
    }

    public PollLease Lease => _lease;

    /// <summary>The poll was given up (past its deadline): from now on it may not post or commit anything.</summary>
    public void Abandon() => _lost = true;

    /// <summary>Extends the lease now; false when it was lost (taken over, or the record is gone).</summary>
    public async Task<bool> ConfirmAsync(CancellationToken ct = default)
    {
        if (_lost)
        {
            return false;
        }

        try
        {
            var asked = _time.GetTimestamp();
            var until = _store.Clock.GetUtcNow() + _duration; // on the store's clock, which every replica shares
            if (await _store.RenewAsync(_lease, until, ct))
            {
                _lease = _lease with { Until = until };
                _heldFrom = asked;
                return true;
            }
        }
        catch (WatchStoreUnavailableException)
        {
            // Without the store we cannot prove the lease is ours; posting anyway could post twice. It is ours for
            // as long as this machine's own monotonic clock says, with a margin, since it was last renewed: not
            // compared with a time another machine wrote.
            if (_time.GetElapsedTime(_heldFrom) < _duration * 0.9)
            {
                return true;
            }
        }

        _lost = true;
        return false;
    }

    private async Task RenewPeriodicallyAsync()
    {
        using var timer = new PeriodicTimer(_duration / 3, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token) && await ConfirmAsync(_stop.Token))
            {
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewals;
        _stop.Dispose();
    }
}
