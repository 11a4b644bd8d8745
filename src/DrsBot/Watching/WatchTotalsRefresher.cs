using DrsBot.Infrastructure;

namespace DrsBot.Watching;

/// <summary>
/// Counts what is stored every 15 seconds for the gauges (watched comparisons, subscriptions, outbox depth), so a
/// Prometheus scrape never waits on the database. Every replica reports the same shared totals. It also says, once,
/// when stored watches belong to a DRS profile that is no longer configured.
/// </summary>
internal sealed partial class WatchTotalsRefresher(
    IWatchStore store, DrsBotMetrics metrics, DrsCallBudgets budgets, DrsProfiles profiles, TimeProvider time, ILogger<WatchTotalsRefresher> logger)
    : BackgroundService
{
    private readonly Dictionary<string, TimeSpan> _intervals = new(StringComparer.Ordinal);
    private readonly HashSet<string> _toldUnknown = new(StringComparer.Ordinal);

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
            // The number watched in a profile sets its budget's interval; when one shortens, no poll waits out the
            // longer one (brought forward are polls of every profile: the budgets hold back any that come too soon).
            TimeSpan? shortened = null;
            foreach (var budget in budgets.All)
            {
                budget.Watched(totals.ByProfile.GetValueOrDefault(budget.Profile));
                var interval = budget.Interval;
                if (_intervals.TryGetValue(budget.Profile, out var before) && interval < before && (shortened is null || interval < shortened))
                {
                    shortened = interval;
                }

                _intervals[budget.Profile] = interval;
            }

            if (shortened is { } within)
            {
                await store.PollWithinAsync(within, ct);
            }

            // A profile removed from the configuration leaves its watches failing ("no DRS profile named …"): say so
            // once, at start-up or when it happens, so whoever changed the configuration hears of it before a channel does.
            foreach (var (profile, count) in totals.ByProfile)
            {
                if (!profiles.Exists(profile) && _toldUnknown.Add(profile))
                {
                    LogUnknownProfile(logger, count, profile);
                }
            }
        }
        catch (WatchStoreUnavailableException)
        {
            // Keep the last values; /readyz and the poller's own log say the storage is away.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} watched comparisons are in DRS profile {Profile}, which is not configured (Drs:Profiles:{Profile}): their polls fail until it is configured again or their channels unsubscribe")]
    private static partial void LogUnknownProfile(ILogger logger, long count, string profile);
}
