using DrsBot.Storage;
using DrsBot.Tests.Services;
using Hangfire.Storage;
using Npgsql;

namespace DrsBot.Tests.Storage;

/// <summary>
/// Hangfire's locks on PostgreSQL are rows. A process killed while holding one (the recurring-job scheduler holds
/// one many times a second) leaves its row behind, and no other replica may take the lock until the row counts as
/// expired: until then no poll tick is enqueued, so nothing is polled and no retry is scheduled.
/// </summary>
public sealed class HangfireLockTests : INeedPostgres
{
    [StoreFact]
    public void A_lock_left_by_a_killed_process_is_taken_over_within_a_minute_and_a_half()
    {
        var database = PostgresServer.Instance.CreateDatabase();
        var storage = StorageServiceCollectionExtensions.PostgreSqlJobs(database);
        // The storage prepares its schema in the background (it may start while the database is away): wait for it.
        for (var ready = DateTime.UtcNow.AddSeconds(60); ; Thread.Sleep(200))
        {
            try
            {
                using var schema = storage.GetConnection();
                schema.GetAllItemsFromSet("warm-up");
                break;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable && DateTime.UtcNow < ready)
            {
            }
        }

        // What a SIGKILL in the middle of the scheduler's pass leaves: the row (named schema:resource), 90 seconds
        // old, and nobody to delete it.
        using (var sql = new NpgsqlConnection(database))
        {
            sql.Open();
            using var insert = new NpgsqlCommand(
                """INSERT INTO "hangfire"."lock" ("resource", "acquired") VALUES ('hangfire:recurring-jobs:lock', NOW() AT TIME ZONE 'UTC' - INTERVAL '90 seconds')""", sql);
            insert.ExecuteNonQuery();
        }

        using var connection = storage.GetConnection();
        using var taken = connection.AcquireDistributedLock("recurring-jobs:lock", TimeSpan.FromSeconds(5));
        Assert.NotNull(taken);
    }
}
