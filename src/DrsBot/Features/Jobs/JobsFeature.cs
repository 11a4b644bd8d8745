namespace DrsBot.Features.Jobs;

public static class JobsFeature
{
    /// <summary>The job view: <c>/drs-progress &lt;job_id&gt;</c>, a job and its comparisons.</summary>
    public static IServiceCollection AddJobs(this IServiceCollection services) =>
        services.AddScoped<JobHandler>();
}
