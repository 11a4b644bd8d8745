namespace DrsBot.Features.Progress;

public static class ProgressFeature
{
    /// <summary>The progress card: <c>/drs-progress &lt;job_id&gt; &lt;compare_job_id&gt;</c> and its Refresh button.</summary>
    public static IServiceCollection AddProgress(this IServiceCollection services) =>
        services.AddScoped<ProgressHandler>(); // per request: it holds the request's DRS client
}
