using Npgsql;

namespace DrsBot.Storage;

/// <summary>
/// The database's clock, as seen from this replica: the app's clock plus the offset to PostgreSQL's
/// <c>clock_timestamp()</c>, measured at the midpoint of a round trip on first use and every minute after.
/// Every time replicas compare (lease expiry, when a comparison is due, whether a reading is newer than the one
/// stored) is on this one clock, so a replica whose own clock runs minutes ahead neither takes over a live lease
/// nor takes another replica's reading for stale. Durations and timers stay on the app's clock.
/// </summary>
public sealed partial class DatabaseClock(TimeProvider inner, NpgsqlDataSource db, ILogger<DatabaseClock>? logger = null) : TimeProvider
{
    private static readonly TimeSpan ResyncEvery = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan WarnAbove = TimeSpan.FromSeconds(2);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _offsetTicks;
    private long _syncedAt;
    private volatile bool _synced;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + Offset;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);

    /// <summary>Measures the offset before the first use; afterwards refreshes it in the background once a minute.</summary>
    public async Task EnsureSyncedAsync(CancellationToken ct)
    {
        if (!_synced)
        {
            await SyncAsync(ct);
        }
        else if (inner.GetElapsedTime(Interlocked.Read(ref _syncedAt)) > ResyncEvery && _gate.CurrentCount > 0)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await SyncAsync(CancellationToken.None);
                }
                catch (Exception)
                {
                    // The last offset stands; the next use tries again.
                }
            }, CancellationToken.None);
        }
    }

    private async Task SyncAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_synced && inner.GetElapsedTime(Interlocked.Read(ref _syncedAt)) <= ResyncEvery)
            {
                return;
            }

            await using var command = db.CreateCommand("SELECT clock_timestamp()");
            var before = inner.GetUtcNow();
            var database = (DateTime)(await command.ExecuteScalarAsync(ct))!;
            var after = inner.GetUtcNow();
            var offset = new DateTimeOffset(DateTime.SpecifyKind(database, DateTimeKind.Utc)) - (before + ((after - before) / 2));
            var wasSynced = _synced;
            Interlocked.Exchange(ref _offsetTicks, offset.Ticks);
            Interlocked.Exchange(ref _syncedAt, inner.GetTimestamp());
            _synced = true;
            if (!wasSynced && offset.Duration() > WarnAbove && logger is not null)
            {
                LogSkew(logger, offset);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "This machine's clock differs from PostgreSQL's by {Offset}; DrsBot keeps leases and poll times on the database's clock")]
    private static partial void LogSkew(ILogger logger, TimeSpan offset);
}
