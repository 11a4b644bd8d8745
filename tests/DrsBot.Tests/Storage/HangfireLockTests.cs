using DrsBot.Storage;
using DrsBot.Tests.Services;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
        using (var sql = new NpgsqlConnection(database))
        {
            sql.Open();
            // The schema first, on a connection of the test's own: the dead process's row must be in the lock table
            // before the storage under test exists.
            PostgreSqlObjectsInstaller.Install(sql, "hangfire");
            // What a SIGKILL in the middle of the scheduler's pass leaves: the row (named schema:resource), 90 seconds
            // old, and nobody to delete it.
            using var insert = new NpgsqlCommand(
                """INSERT INTO "hangfire"."lock" ("resource", "acquired") VALUES ('hangfire:recurring-jobs:lock', NOW() AT TIME ZONE 'UTC' - INTERVAL '90 seconds')""", sql);
            insert.ExecuteNonQuery();
        }

        // The job storage exactly as DrsBot registers it for Hangfire:Storage=PostgreSql.
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Hangfire:Storage"] = "PostgreSql",
                ["ConnectionStrings:Hangfire"] = database,
            }).Build())
            .AddStorage()
            .BuildServiceProvider();
        var storage = services.GetRequiredService<JobStorage>();

        using var connection = storage.GetConnection();
        using var taken = connection.AcquireDistributedLock("recurring-jobs:lock", TimeSpan.FromSeconds(5));
        Assert.NotNull(taken);
    }
}
