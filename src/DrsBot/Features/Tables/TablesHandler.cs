using DrsBot.Drs;
using DrsBot.Slack;
using DrsBot.Watching;

namespace DrsBot.Features.Tables;

/// <summary><c>/drs-progress tables &lt;job_id&gt; &lt;compare_job_id&gt;</c> and the Show differing tables button.</summary>
public sealed class TablesHandler(IDrsClient drs, DrsProfileSet drsProfiles, DrsProfiles profiles, TimeProvider time)
{
    /// <summary>
    /// A person is waiting: up to five pages of detail (500 tables) per kind, one DRS call each. A comparison with more
    /// tables says how many were read; the largest differences are the ones DRS lists among them.
    /// </summary>
    public const int MaxPages = 5;

    public async Task<SlackMessage> ShowAsync(ComparisonRef comparison, CancellationToken ct)
    {
        var result = await drs.GetDifferingTablesAsync(comparison, MaxPages, ct);
        return TablesMessages.Render(comparison, result, time.GetUtcNow(), console: drsProfiles.ConsoleLink(comparison.Profile, comparison.JobId),
            profile: profiles.Label(comparison));
    }
}

public static class TablesFeature
{
    /// <summary>Which tables differ: <c>tables &lt;job_id&gt; &lt;compare_job_id&gt;</c> and its button.</summary>
    public static IServiceCollection AddTables(this IServiceCollection services) =>
        services.AddScoped<TablesHandler>(); // per request: it holds the request's DRS client
}
