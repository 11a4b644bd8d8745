using System.Text.Json;
using DrsBot.Watching;
using Npgsql;
using NpgsqlTypes;

namespace DrsBot.Storage;

/// <summary>
/// Watches in PostgreSQL, shared by every replica. A change is one transaction: a per-comparison advisory lock
/// (which also covers a record that does not exist yet), a read, the caller's pure change, a write. Leases are
/// single statements on the same row, and due rows are claimed with <c>FOR UPDATE SKIP LOCKED</c> so replicas
/// never wait for each other. Times are on <see cref="Clock"/>: in production a <see cref="DatabaseClock"/>, so
/// replicas whose own clocks differ still agree on when a lease expires and when a comparison is due.
/// </summary>
public sealed partial class PostgreSqlWatchStore(NpgsqlDataSource db, PollSchedule schedule, TimeProvider time) : IWatchStore
{
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    public TimeProvider Clock => time;

    public Task<WatchRecord?> GetAsync(ComparisonRef comparison, CancellationToken ct = default) =>
        Run(async connection =>
        {
            await using var command = new NpgsqlCommand("SELECT record FROM drsbot.watch WHERE comparison = $1", connection)
            {
                Parameters = { new() { Value = comparison.Key } },
            };
            return Deserialize(await command.ExecuteScalarAsync(ct));
        }, ct);

    public Task<WatchRecord?> UpdateAsync(ComparisonRef comparison, Func<WatchRecord?, WatchRecord?> change, CancellationToken ct = default) =>
        Run(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using (var lockRecord = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection, transaction)
            {
                Parameters = { new() { Value = comparison.Key } },
            })
            {
                await lockRecord.ExecuteNonQueryAsync(ct);
            }

            // Read only once the lock is held, so the snapshot includes whatever the previous holder committed.
            WatchRecord? current;
            await using (var read = new NpgsqlCommand("SELECT record FROM drsbot.watch WHERE comparison = $1", connection, transaction)
            {
                Parameters = { new() { Value = comparison.Key } },
            })
            {
                current = Deserialize(await read.ExecuteScalarAsync(ct));
            }

            var next = change(current)?.OrNullIfDone();
            await using var write = new NpgsqlBatch(connection, transaction);
            if (next is null)
            {
                write.BatchCommands.Add(new("DELETE FROM drsbot.watch WHERE comparison = $1") { Parameters = { new() { Value = comparison.Key } } });
            }
            else
            {
                DateTimeOffset? firstDue = next.NeedsPolling ? schedule.Next(comparison, time.GetUtcNow()) : null;
                write.BatchCommands.Add(new("""
                    INSERT INTO drsbot.watch (comparison, record, due_at, updated_at) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (comparison) DO UPDATE SET
                        record = EXCLUDED.record,
                        due_at = CASE WHEN EXCLUDED.due_at IS NULL THEN NULL ELSE COALESCE(watch.due_at, EXCLUDED.due_at) END,
                        updated_at = EXCLUDED.updated_at
                    """)
                {
                    Parameters =
                    {
                        new() { Value = comparison.Key },
                        new() { Value = JsonSerializer.Serialize(next, StoredJson.Default.WatchRecord), NpgsqlDbType = NpgsqlDbType.Jsonb },
                        new() { Value = (object?)firstDue ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz },
                        new() { Value = time.GetUtcNow() },
                    },
                });

                var channels = next.Subscriptions.Select(s => s.ChannelId).ToArray();
                var before = current?.Subscriptions.Select(s => s.ChannelId) ?? [];
                if (!before.Order(StringComparer.Ordinal).SequenceEqual(channels.Order(StringComparer.Ordinal)))
                {
                    write.BatchCommands.Add(new("DELETE FROM drsbot.channel_watch WHERE comparison = $1 AND channel_id <> ALL($2)")
                    {
                        Parameters = { new() { Value = comparison.Key }, new() { Value = channels } },
                    });
                    write.BatchCommands.Add(new("INSERT INTO drsbot.channel_watch (channel_id, comparison) SELECT unnest($2::text[]), $1 ON CONFLICT DO NOTHING")
                    {
                        Parameters = { new() { Value = comparison.Key }, new() { Value = channels } },
                    });
                }
            }

            await write.ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
            return next;
        }, ct);

    public Task<IReadOnlyList<WatchRecord>> OfChannelAsync(string channelId, CancellationToken ct = default) =>
        Run<IReadOnlyList<WatchRecord>>(async connection =>
        {
            await using var command = new NpgsqlCommand("""
                SELECT w.record FROM drsbot.channel_watch c JOIN drsbot.watch w ON w.comparison = c.comparison
                WHERE c.channel_id = $1 ORDER BY w.comparison COLLATE "C"
                """, connection)
            {
                Parameters = { new() { Value = channelId } },
            };
            var records = new List<WatchRecord>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                records.Add(Deserialize(reader.GetString(0))!);
            }

            return records;
        }, ct);

    public Task<IReadOnlyList<ComparisonRef>> WatchesAsync(CancellationToken ct = default) =>
        Run<IReadOnlyList<ComparisonRef>>(async connection =>
        {
            await using var command = new NpgsqlCommand("SELECT comparison FROM drsbot.watch ORDER BY comparison COLLATE \"C\"", connection);
            var keys = new List<ComparisonRef>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                keys.Add(ComparisonRef.FromKey(reader.GetString(0))!);
            }

            return keys;
        }, ct);

    public Task<DateTimeOffset?> NextPollAsync(ComparisonRef comparison, CancellationToken ct = default) =>
        Run(async connection =>
        {
            await using var command = new NpgsqlCommand("SELECT due_at FROM drsbot.watch WHERE comparison = $1", connection)
            {
                Parameters = { new() { Value = comparison.Key } },
            };
            return await command.ExecuteScalarAsync(ct) is DateTime due ? new DateTimeOffset(due, TimeSpan.Zero) : (DateTimeOffset?)null;
        }, ct);

    public Task<IReadOnlyList<PollLease>> LeaseDueAsync(DateTimeOffset now, int max, TimeSpan duration, CancellationToken ct = default) =>
        Run<IReadOnlyList<PollLease>>(async connection =>
        {
            var until = now + duration;
            await using var command = new NpgsqlCommand("""
                UPDATE drsbot.watch w SET lease_token = gen_random_uuid(), lease_until = $2
                FROM (SELECT comparison FROM drsbot.watch
                      WHERE due_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
                      ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED) due
                WHERE w.comparison = due.comparison
                RETURNING w.comparison, w.lease_token, w.due_at
                """, connection)
            {
                Parameters = { new() { Value = now }, new() { Value = until }, new() { Value = max } },
            };
            var leases = new List<PollLease>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                leases.Add(new PollLease(ComparisonRef.FromKey(reader.GetString(0))!, reader.GetGuid(1), reader.GetFieldValue<DateTimeOffset>(2), until));
            }

            return [.. leases.OrderBy(l => l.DueAt)];
        }, ct);

    public Task<PollLease?> TryLeaseAsync(ComparisonRef comparison, DateTimeOffset now, TimeSpan duration, CancellationToken ct = default) =>
        Run(async connection =>
        {
            var until = now + duration;
            await using var command = new NpgsqlCommand("""
                UPDATE drsbot.watch SET lease_token = gen_random_uuid(), lease_until = $3
                WHERE comparison = $1 AND due_at IS NOT NULL AND (lease_until IS NULL OR lease_until <= $2)
                RETURNING lease_token, due_at
                """, connection)
            {
                Parameters = { new() { Value = comparison.Key }, new() { Value = now }, new() { Value = until } },
            };
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct)
                ? new PollLease(comparison, reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1), until)
                : null;
        }, ct);

    public Task<bool> RenewAsync(PollLease lease, DateTimeOffset until, CancellationToken ct = default) =>
        Run(async connection =>
        {
            await using var command = new NpgsqlCommand(
                "UPDATE drsbot.watch SET lease_until = $3 WHERE comparison = $1 AND lease_token = $2", connection)
            {
                Parameters = { new() { Value = lease.Comparison.Key }, new() { Value = lease.Token }, new() { Value = until } },
            };
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, ct);

    public Task ReleaseAsync(PollLease lease, DateTimeOffset nextPoll, CancellationToken ct = default) =>
        Run(async connection =>
        {
            // Zero rows when the record was deleted meanwhile: nothing to release, and the connection goes back
            // to the pool with the command either way.
            await using var command = new NpgsqlCommand("""
                UPDATE drsbot.watch SET lease_token = NULL, lease_until = NULL,
                    due_at = CASE WHEN due_at IS NULL THEN NULL ELSE $3 END
                WHERE comparison = $1 AND lease_token = $2
                """, connection)
            {
                Parameters = { new() { Value = lease.Comparison.Key }, new() { Value = lease.Token }, new() { Value = nextPoll } },
            };
            return await command.ExecuteNonQueryAsync(ct);
        }, ct);

    public Task PollWithinAsync(TimeSpan interval, CancellationToken ct = default) =>
        Run(async connection =>
        {
            var latest = time.GetUtcNow() + interval; // the database's clock, synced before Run hands out a connection
            await using var command = new NpgsqlCommand("UPDATE drsbot.watch SET due_at = $1 WHERE due_at > $1", connection)
            {
                Parameters = { new() { Value = latest } },
            };
            return await command.ExecuteNonQueryAsync(ct);
        }, ct);

    public Task<int> CountSubscriptionsAsync(string teamId, CancellationToken ct = default) =>
        Run(async connection =>
        {
            await using var command = new NpgsqlCommand("""
                SELECT count(*)::int FROM drsbot.watch w CROSS JOIN LATERAL jsonb_array_elements(w.record->'subscriptions') s
                WHERE s.value->>'teamId' = $1
                """, connection)
            {
                Parameters = { new() { Value = teamId } },
            };
            return (int)(await command.ExecuteScalarAsync(ct))!;
        }, ct);

    public Task<WatchTotals> CountAsync(CancellationToken ct = default) =>
        Run(async connection =>
        {
            // Counted inside the JSON so no column can drift from the record; at 10,000 comparisons this is milliseconds.
            await using var command = new NpgsqlCommand("""
                SELECT (SELECT count(*) FROM drsbot.watch),
                       count(s.value),
                       coalesce(sum(jsonb_array_length(s.value->'pending')), 0)
                FROM drsbot.watch w CROSS JOIN LATERAL jsonb_array_elements(w.record->'subscriptions') s
                """, connection);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var totals = new WatchTotals(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
            await reader.DisposeAsync();

            // The profile is the key's first part when it has three (profile:job:compare); two parts are the default's.
            await using var byProfile = new NpgsqlCommand("""
                SELECT CASE WHEN split_part(comparison, ':', 3) = '' THEN 'default' ELSE split_part(comparison, ':', 1) END, count(*)
                FROM drsbot.watch GROUP BY 1
                """, connection);
            await using var profiles = await byProfile.ExecuteReaderAsync(ct);
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            while (await profiles.ReadAsync(ct))
            {
                counts[profiles.GetString(0)] = profiles.GetInt64(1);
            }

            return totals with { ByProfile = counts };
        }, ct);

    public Task<PaceHistory?> GetPaceAsync(ComparisonRef comparison, DateTimeOffset now, CancellationToken ct = default) =>
        Run(async connection =>
        {
            await using var command = new NpgsqlCommand("SELECT readings FROM drsbot.pace WHERE comparison = $1 AND expires_at > $2", connection)
            {
                Parameters = { new() { Value = comparison.Key }, new() { Value = now } },
            };
            return await command.ExecuteScalarAsync(ct) is string json ? JsonSerializer.Deserialize(json, StoredJson.Default.PaceHistory) : null;
        }, ct);

    public Task SavePaceAsync(ComparisonRef comparison, PaceHistory pace, DateTimeOffset expiresAt, CancellationToken ct = default) =>
        Run(async connection =>
        {
            // Expired rows go as new ones come, so the table holds about an hour of questions, however long it runs.
            await using var command = new NpgsqlCommand("""
                WITH expired AS (DELETE FROM drsbot.pace WHERE expires_at <= $4 AND comparison <> $1)
                INSERT INTO drsbot.pace (comparison, readings, expires_at) VALUES ($1, $2, $3)
                ON CONFLICT (comparison) DO UPDATE SET readings = EXCLUDED.readings, expires_at = EXCLUDED.expires_at
                """, connection)
            {
                Parameters =
                {
                    new() { Value = comparison.Key },
                    new() { Value = JsonSerializer.Serialize(pace, StoredJson.Default.PaceHistory), NpgsqlDbType = NpgsqlDbType.Jsonb },
                    new() { Value = expiresAt },
                    new() { Value = time.GetUtcNow() },
                },
            };
            return await command.ExecuteNonQueryAsync(ct);
        }, ct);

    public Task PingAsync(CancellationToken ct = default) =>
        Run(async connection =>
        {
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            return await command.ExecuteScalarAsync(ct);
        }, ct);

    /// <summary>
    /// One pooled connection per operation, returned on every path. Connection failures and timeouts become
    /// <see cref="WatchStoreUnavailableException"/>; SQL errors (bugs) stay what they are.
    /// </summary>
    private async Task<T> Run<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct)
    {
        try
        {
            await EnsureSchemaAsync(ct);
            await using var connection = await db.OpenConnectionAsync(ct);
            return await work(connection);
        }
        catch (Exception e) when (IsUnavailable(e) && !ct.IsCancellationRequested)
        {
            throw new WatchStoreUnavailableException("PostgreSQL did not answer: " + e.Message, e);
        }
    }

    private static bool IsUnavailable(Exception e) => e switch
    {
        PostgresException pg => pg.IsTransient || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException => true,
        TimeoutException or System.Net.Sockets.SocketException => true,
        _ => false,
    };

    private async Task EnsureSchemaAsync(CancellationToken ct)
    {
        if (time is DatabaseClock clock)
        {
            await clock.EnsureSyncedAsync(ct);
        }

        if (_schemaReady)
        {
            return;
        }

        await _schemaGate.WaitAsync(ct);
        try
        {
            if (!_schemaReady)
            {
                await PostgreSqlSchema.EnsureAsync(db, ct);
                _schemaReady = true;
            }
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    private static WatchRecord? Deserialize(object? json) =>
        json is string text ? JsonSerializer.Deserialize(text, StoredJson.Default.WatchRecord) : null;

    /// <summary>What the store keeps as jsonb, with the explicit name each stored property carries: stored data is a contract (StoredDataContractTests).</summary>
    [System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
    [System.Text.Json.Serialization.JsonSerializable(typeof(WatchRecord))]
    [System.Text.Json.Serialization.JsonSerializable(typeof(PaceHistory))]
    internal sealed partial class StoredJson : System.Text.Json.Serialization.JsonSerializerContext;
}
