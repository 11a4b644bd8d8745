using DrsBot.Watching;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DrsBot.Storage;

public static class StorageServiceCollectionExtensions
{
    public const string ReadyTag = "ready";

    /// <summary>
    /// Where Hangfire's jobs and DrsBot's watches live, chosen by <c>Hangfire:Storage</c>. Everything is built on
    /// first use from validated options, so a bad setting is reported with every other one at start-up.
    /// </summary>
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.Section)
            .Configure<IConfiguration>((o, config) => o.ConnectionString = config.GetConnectionString(StorageOptions.ConnectionStringName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();

        services.AddSingleton(sp => NpgsqlDataSource.Create(WithDefaults(Options(sp).ConnectionString!, WatchPoolSize)));
        services.AddSingleton<IWatchStore>(sp => Options(sp).Storage == StorageKind.PostgreSql
            ? ActivatorUtilities.CreateInstance<PostgreSqlWatchStore>(sp, ActivatorUtilities.CreateInstance<DatabaseClock>(sp))
            : ActivatorUtilities.CreateInstance<InMemoryWatchStore>(sp));
        services.AddSingleton<JobStorage>(sp => Options(sp).Storage == StorageKind.PostgreSql
            ? PostgreSqlJobs(Options(sp).ConnectionString!)
            : new InMemoryStorage(new InMemoryStorageOptions { IdType = InMemoryStorageIdType.Long }));

        services.AddSingleton<WatchStoreStatus>();
        services.AddSingleton<StorageMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageMonitor>());
        services.AddHealthChecks()
            .AddCheck<StartedHealthCheck>("started", tags: [ReadyTag])
            .AddCheck<StorageMonitor>("storage", tags: [ReadyTag]);
        services.AddHostedService<StorageStartupWarning>();
        return services;
    }

    /// <summary>
    /// Connections one replica may open: <see cref="WatchPoolSize"/> for watches and leases, <see cref="HangfirePoolSize"/>
    /// for Hangfire (4 workers and its housekeeping). Three replicas (two, plus one more during a rollout) then need
    /// 3 x 30 = 90, within PostgreSQL's default max_connections of 100 less its 3 reserved for superusers. A poll
    /// waits for a pooled connection at most the connection timeout (3 s), and never past its own deadline.
    /// </summary>
    public const int WatchPoolSize = 20, HangfirePoolSize = 10;

    private static StorageOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<StorageOptions>>().Value;

    /// <summary>
    /// Fail fast when the database is away: a command waits seconds, not Npgsql's default 15 s, before it says
    /// "storage unavailable". Anything the operator set in the connection string wins.
    /// </summary>
    internal static string WithDefaults(string connectionString, int maxPoolSize)
    {
        // The keys as written: a substring test would take "Command Timeout" for the connect timeout.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains("Timeout"))
        {
            builder.Timeout = 3;
        }

        if (!given.Contains("CommandTimeout"))
        {
            builder.CommandTimeout = 10;
        }

        if (!given.Contains("MaximumPoolSize") && !given.Contains("MaxPoolSize"))
        {
            builder.MaxPoolSize = maxPoolSize;
        }

        builder.ApplicationName ??= "drsbot";
        return builder.ConnectionString;
    }

    private static PostgreSqlStorage PostgreSqlJobs(string connectionString)
    {
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = "hangfire",
            PrepareSchemaIfNecessary = true,
            // Hangfire's defaults poll the queue every 15 s; DrsBot's only frequent job is the 1-5 s poll tick.
            QueuePollInterval = TimeSpan.FromSeconds(1),
            // Finished jobs are deleted in small batches often, rather than a day's worth at once.
            JobExpirationCheckInterval = TimeSpan.FromMinutes(5),
            UseSlidingInvisibilityTimeout = true,
            // Hangfire's locks are rows here, and one left by a killed process (an OOM kill, a lost node) blocks
            // every replica until it counts as expired: 10 minutes by default, in which no poll tick is enqueued
            // and no retry is scheduled. Every lock Hangfire takes for DrsBot is held for milliseconds, so a minute
            // is ample, and a kill delays polls by at most about one interval.
            DistributedLockTimeout = TimeSpan.FromMinutes(1),
            // A replica that starts while the database is away still starts: /readyz says 503 until it is back,
            // and Hangfire prepares its schema then. Crash-looping would only delay recovery.
            StartupConnectionMaxRetries = 1,
            StartupConnectionBaseDelay = TimeSpan.FromSeconds(1),
            AllowDegradedModeWithoutStorage = true,
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(WithDefaults(connectionString, HangfirePoolSize), options), options);
    }
}
