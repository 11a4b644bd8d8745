using Hangfire;
using Microsoft.Extensions.Options;

namespace DrsBot.Watching;

public static class WatchingServiceCollectionExtensions
{
    /// <summary>
    /// Subscriptions, polls and notifications. Hangfire's storage comes from <c>AddStorage</c>; its activator is
    /// this app's own singleton, so two hosts in one process (tests) never share a static.
    /// </summary>
    public static IServiceCollection AddWatching(this IServiceCollection services)
    {
        services.AddOptions<WatchOptions>().BindConfiguration(WatchOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WatchOptions>, WatchOptionsValidator>();

        services.AddSingleton<JobActivator>(sp => new Hangfire.AspNetCore.AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseTypeResolver(HangfireJobAlias.Resolver(sp.GetServices<HangfireJobAlias>()))
            .UseLogProvider(new HangfireLogs(sp.GetRequiredService<ILoggerFactory>()))
            .UseRecommendedSerializerSettings());
        AddShortJobHistoryOnce();

        services.AddHangfireServer((sp, server) =>
        {
            // Recurring jobs are found by polling the schedule; the poll tick runs every 1-5 s.
            server.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            // Workers only run ticks (each drives many concurrent polls); a few are enough on any machine.
            server.WorkerCount = 4;
        });

        services.AddDrsCallBudget();
        services.AddSingleton<PollSchedule>();
        services.AddSingleton<PollLoopHealth>();
        services.AddHealthChecks().AddCheck<PollLoopHealth>("poll-loop", tags: [PollLoopHealth.LiveTag]);
        services.AddSingleton<PollDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<PollDispatcher>());
        services.AddHostedService<PollCycleRegistration>();
        services.AddTransient<PollCycleJob>();
        services.AddSingleton<WatchTotalsRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<WatchTotalsRefresher>());

        services.AddScoped<ComparisonPoll>(); // per poll: it holds the poll's DRS client

        return services;
    }

    /// <summary>
    /// The DRS call budget: the core's, and the DRS edge's to keep (it gates commands and hears of throttling), so both
    /// add it; once is enough.
    /// </summary>
    public static IServiceCollection AddDrsCallBudget(this IServiceCollection services)
    {
        if (services.Any(s => s.ServiceType == typeof(DrsCallBudgets)))
        {
            return services;
        }

        services.AddOptions<DrsBudgetOptions>().BindConfiguration(DrsBudgetOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DrsBudgetOptions>, DrsBudgetOptionsValidator>();
        services.AddSingleton<DrsProfiles>();
        return services.AddSingleton(sp =>
        {
            var budgets = ActivatorUtilities.CreateInstance<DrsCallBudgets>(sp);
            sp.GetService<Infrastructure.DrsBotMetrics>()?.ObservePollInterval(() => budgets.All.Select(b => (b.Profile, b.Interval.TotalSeconds)));
            return budgets;
        });
    }

    private static readonly Lock FiltersLock = new();

    /// <summary>
    /// Hangfire's filters are process-wide and a plain list: added once, by the first host, under a lock, so that two
    /// hosts starting together (tests) neither add it twice nor change the list while the other reads it.
    /// </summary>
    private static void AddShortJobHistoryOnce()
    {
        lock (FiltersLock)
        {
            if (!GlobalJobFilters.Filters.Any(f => f.Instance is ShortJobHistory))
            {
                GlobalJobFilters.Filters.Add(new ShortJobHistory());
            }
        }
    }
}
