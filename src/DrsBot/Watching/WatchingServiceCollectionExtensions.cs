using DrsBot.Infrastructure;
using DrsBot.Slack;
using Hangfire;
using Hangfire.InMemory;
using Microsoft.Extensions.Options;

namespace DrsBot.Watching;

public static class WatchingServiceCollectionExtensions
{
    /// <summary>
    /// Subscriptions and notifications on Hangfire. Storage and activator are registered as this app's own
    /// singletons before Hangfire looks for them, so two hosts in one process (tests) never share a static.
    /// </summary>
    public static IServiceCollection AddWatching(this IServiceCollection services)
    {
        services.AddOptions<WatchOptions>().BindConfiguration(WatchOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WatchOptions>, WatchOptionsValidator>();

        services.AddSingleton<JobStorage>(_ => new InMemoryStorage(new InMemoryStorageOptions
        {
            IdType = InMemoryStorageIdType.Long,
        }));
        services.AddSingleton<JobActivator>(sp => new Hangfire.AspNetCore.AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire(config => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        services.AddHangfireServer((sp, server) =>
        {
            // Read raw: this runs while hosted services are built, before options validation can report every
            // bad key at once. A bad value here only means the default; validation names it a moment later.
            var configured = sp.GetRequiredService<IConfiguration>()[$"{WatchOptions.Section}:{nameof(WatchOptions.PollInterval)}"];
            var interval = TimeSpan.TryParse(configured, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && parsed > TimeSpan.Zero
                ? parsed
                : new WatchOptions().PollInterval;
            // Recurring jobs are found by polling the schedule; poll it at least as often as the jobs run.
            server.SchedulePollingInterval = TimeSpan.FromSeconds(Math.Clamp(interval.TotalSeconds / 2, 1, 15));
            server.WorkerCount = Math.Clamp(Environment.ProcessorCount * 2, 2, 10);
        });

        services.AddSingleton<IWatchStore, HangfireWatchStore>();
        services.AddSingleton<WatchScheduler>();
        services.AddSingleton<NotificationDelivery>();
        services.AddSingleton<SubscriptionCommands>();
        services.AddTransient<PollComparisonJob>();
        services.AddHostedService<WatchScheduleSync>();

        services.AddHttpClient<IChannelPoster, SlackWebApiClient>((sp, http) =>
            {
                http.BaseAddress = sp.GetRequiredService<IOptions<SlackOptions>>().Value.ApiBaseUrl.AsBaseAddress();
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddResilienceHandler("slack", SlackResilience.Configure);

        return services;
    }
}
