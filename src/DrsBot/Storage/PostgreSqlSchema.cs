using Npgsql;

namespace DrsBot.Storage;

/// <summary>
/// DrsBot's own tables, beside Hangfire's schema in the same database. Created on first use by whichever replica
/// gets there first (an advisory lock keeps two from racing); every statement is idempotent.
/// </summary>
internal static class PostgreSqlSchema
{
    public const string Name = "drsbot";

    // One row per watched comparison holds the whole record as JSON, so a change is one row written under one
    // lock. due_at is set exactly when the record needs polling; the lease columns belong to the poller alone.
    // pace keeps, for an hour, the readings of comparisons people asked about, for the ETA of the next answer.
    private const string Create = """
        SELECT pg_advisory_xact_lock(7201853412);
        CREATE SCHEMA IF NOT EXISTS drsbot;
        CREATE TABLE IF NOT EXISTS drsbot.watch (
            comparison  text PRIMARY KEY,
            record      jsonb NOT NULL,
            due_at      timestamptz,
            lease_token uuid,
            lease_until timestamptz,
            updated_at  timestamptz NOT NULL
        );
        CREATE INDEX IF NOT EXISTS watch_due_at ON drsbot.watch (due_at) WHERE due_at IS NOT NULL;
        CREATE TABLE IF NOT EXISTS drsbot.channel_watch (
            channel_id text NOT NULL,
            comparison text NOT NULL REFERENCES drsbot.watch ON DELETE CASCADE,
            PRIMARY KEY (channel_id, comparison)
        );
        CREATE INDEX IF NOT EXISTS channel_watch_comparison ON drsbot.channel_watch (comparison);
        CREATE TABLE IF NOT EXISTS drsbot.pace (
            comparison text PRIMARY KEY,
            readings   jsonb NOT NULL,
            expires_at timestamptz NOT NULL
        );
        CREATE INDEX IF NOT EXISTS pace_expires_at ON drsbot.pace (expires_at);
        """;

    public static async Task EnsureAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var command = new NpgsqlCommand(Create, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }
}
