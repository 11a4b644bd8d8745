using DrsBot.Infrastructure;



namespace DrsBot.Watching;

/// <summary>
/// Counts what is stored every 15 seconds for the gauges (watched comparisons, subscriptions, outbox depth), so a
/// Prometheus scrape never waits on the database. Every replica reports the same shared totals.
/// </summary>
internal sealed class WatchTotalsRefresher(IWatchStore store, DrsBotMetrics metrics, DrsCallBudget budget, TimeProvider time) : BackgroundService
{
    private TimeSpan _interval;

    public static readonly TimeSpan Every = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, time);
        do
        {
            await RefreshAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task RefreshAsync(CancellationToken ct)
    {
        try
        {
            var totals = await store.CountAsync(ct);
            metrics.Totals(totals.Comparisons, totals.Subscriptions, totals.Outbox);
            // The number watched sets the budget's interval; when it shortens, no poll waits out the longer one.
            budget.Watched(totals.Comparisons);
            var interval = budget.Interval;
            if (_interval != default && interval < _interval)
            {
                await store.PollWithinAsync(interval, ct);
            }

            _interval = interval;
        }
        catch (WatchStoreUnavailableException)
        {
            // Keep the last values; /readyz and the poller's own log say the storage is away.
        }
    }
}
