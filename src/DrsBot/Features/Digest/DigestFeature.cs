using DrsBot.Watching;



namespace DrsBot.Features.Digest;

public static class DigestFeature
{
    /// <summary>A channel's daily digest: its commands, its schedule (Hangfire recurring jobs) and the job that posts it.</summary>
    public static IServiceCollection AddDigest(this IServiceCollection services)
    {
        services.AddSingleton<DigestSchedule>();
        services.AddTransient<DigestJob>();
        services.AddScoped<DigestCommands>();
        // Digests scheduled before 2026-12-06 name the job by its old namespace in Hangfire's storage.
        services.AddSingleton(new HangfireJobAlias("DrsBot.Digest.DigestJob", typeof(DigestJob)));
        return services;
    }
}
