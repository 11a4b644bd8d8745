using DrsBot.Watching;



namespace DrsBot.Storage;

/// <summary>
/// Watches in this process's memory: the default for one replica, gone on restart. One lock guards everything;
/// every operation is a few dictionary reads and writes and no caller can reach the lock across I/O.
/// </summary>
public sealed class InMemoryWatchStore(PollSchedule schedule, TimeProvider time) : IWatchStore
{
    public TimeProvider Clock => time;

    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (PaceHistory Pace, DateTimeOffset ExpiresAt)> _paces = new(StringComparer.Ordinal);

    public Task<WatchRecord?> GetAsync(ComparisonRef comparison, CancellationToken ct = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_entries.GetValueOrDefault(comparison.Key)?.Record);
        }
    }

    public Task<WatchRecord?> UpdateAsync(ComparisonRef comparison, Func<WatchRecord?, WatchRecord?> change, CancellationToken ct = default)
    {
        lock (_gate)
        {
            var entry = _entries.GetValueOrDefault(comparison.Key);
            var next = change(entry?.Record)?.OrNullIfDone();
            if (next is null)
            {
                _entries.Remove(comparison.Key);
                return Task.FromResult<WatchRecord?>(null);
            }

            entry ??= _entries[comparison.Key] = new Entry();
            entry.Record = next;
            entry.DueAt = next.NeedsPolling ? entry.DueAt ?? schedule.Next(comparison, time.GetUtcNow()) : null;
            return Task.FromResult<WatchRecord?>(next);
        }
    }

    public Task<IReadOnlyList<WatchRecord>> OfChannelAsync(string channelId, CancellationToken ct = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<WatchRecord>>(
                [.. _entries.Values.Select(e => e.Record!).Where(r => r.Subscriptions.Any(s => s.ChannelId == channelId))]);
        }
    }

    public Task<IReadOnlyList<ComparisonRef>> WatchesAsync(CancellationToken ct = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ComparisonRef>>([.. _entries.Values.Select(e => e.Record!.Comparison)]);
        }
    }

    public Task<DateTimeOffset?> NextPollAsync(ComparisonRef comparison, CancellationToken ct = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_entries.GetValueOrDefault(comparison.Key)?.DueAt);
        }
    }

    public Task<IReadOnlyList<PollLease>> LeaseDueAsync(DateTimeOffset now, int max, TimeSpan duration, CancellationToken ct = default)
    {
        lock (_gate)
        {
            var due = _entries.Values
                .Where(e => e.DueAt <= now && e.IsFree(now))
                .OrderBy(e => e.DueAt)
                .Take(max)
                .ToList();
            return Task.FromResult<IReadOnlyList<PollLease>>([.. due.Select(e => e.Lease(now + duration))]);
        }
    }

    public Task<PollLease?> TryLeaseAsync(ComparisonRef comparison, DateTimeOffset now, TimeSpan duration, CancellationToken ct = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_entries.GetValueOrDefault(comparison.Key) is { DueAt: not null } e && e.IsFree(now)
                ? e.Lease(now + duration)
                : null);
        }
    }

    public Task<bool> RenewAsync(PollLease lease, DateTimeOffset until, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (Held(lease) is not { } entry)
            {
                return Task.FromResult(false);
            }

            entry.LeaseUntil = until;
            return Task.FromResult(true);
        }
    }

    public Task ReleaseAsync(PollLease lease, DateTimeOffset nextPoll, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (Held(lease) is { } entry)
            {
                entry.LeaseToken = null;
                entry.LeaseUntil = null;
                entry.DueAt = entry.DueAt is null ? null : nextPoll;
            }

            return Task.CompletedTask;
        }
    }

    public Task PollWithinAsync(TimeSpan interval, CancellationToken ct = default)
    {
        lock (_gate)
        {
            var latest = time.GetUtcNow() + interval;
            foreach (var entry in _entries.Values.Where(e => e.DueAt > latest))
            {
                entry.DueAt = latest;
            }

            return Task.CompletedTask;
        }
    }

    public Task<int> CountSubscriptionsAsync(string teamId, CancellationToken ct = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_entries.Values.Sum(e => e.Record!.Subscriptions.Count(s => s.TeamId == teamId)));
        }
    }

    public Task<WatchTotals> CountAsync(CancellationToken ct = default)
    {
        lock (_gate)
        {
            var subscriptions = _entries.Values.SelectMany(e => e.Record!.Subscriptions).ToList();
            return Task.FromResult(new WatchTotals(_entries.Count, subscriptions.Count, subscriptions.Sum(s => (long)s.Pending.Count))
            {
                ByProfile = _entries.Values.GroupBy(e => e.Record!.Comparison.ProfileName).ToDictionary(g => g.Key, g => (long)g.Count()),
            });
        }
    }

    public Task<PaceHistory?> GetPaceAsync(ComparisonRef comparison, DateTimeOffset now, CancellationToken ct = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_paces.TryGetValue(comparison.Key, out var kept) && kept.ExpiresAt > now ? kept.Pace : null);
        }
    }

    public Task SavePaceAsync(ComparisonRef comparison, PaceHistory pace, DateTimeOffset expiresAt, CancellationToken ct = default)
    {
        lock (_gate)
        {
            // Sweeping when the map doubles keeps both memory and the cost per save bounded.
            if (_paces.Count >= _sweepAt)
            {
                var now = time.GetUtcNow();
                foreach (var key in _paces.Where(p => p.Value.ExpiresAt <= now).Select(p => p.Key).ToList())
                {
                    _paces.Remove(key);
                }

                _sweepAt = Math.Max(1024, _paces.Count * 2);
            }

            _paces[comparison.Key] = (pace, expiresAt);
            return Task.CompletedTask;
        }
    }

    private int _sweepAt = 1024;

    public Task PingAsync(CancellationToken ct = default) => Task.CompletedTask;

    private Entry? Held(PollLease lease) =>
        _entries.GetValueOrDefault(lease.Comparison.Key) is { } e && e.LeaseToken == lease.Token ? e : null;

    private sealed class Entry
    {
        public WatchRecord? Record { get; set; }

        public DateTimeOffset? DueAt { get; set; }

        public Guid? LeaseToken { get; set; }

        public DateTimeOffset? LeaseUntil { get; set; }

        public bool IsFree(DateTimeOffset now) => LeaseUntil is null || LeaseUntil <= now;

        public PollLease Lease(DateTimeOffset until)
        {
            LeaseToken = Guid.NewGuid();
            LeaseUntil = until;
            return new PollLease(Record!.Comparison, LeaseToken.Value, DueAt, until);
        }
    }
}
