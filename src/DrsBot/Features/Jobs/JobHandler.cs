using DrsBot.Drs;
using DrsBot.Slack;
using DrsBot.Watching;

namespace DrsBot.Features.Jobs;

/// <summary><c>/drs-progress &lt;job_id&gt;</c> and its Refresh button: a job and its comparisons.</summary>
public sealed class JobHandler(IDrsClient drs, DrsProfileSet drsProfiles, DrsProfiles profiles, TimeProvider time)
{
    public async Task<SlackMessage> ShowAsync(string? profile, string jobId, CancellationToken ct)
    {
        var view = await drs.GetJobAsync(profile, jobId, ct);
        return JobMessages.Render(view, time.GetUtcNow(), drsProfiles.ConsoleLink(profile, jobId), profiles.Label(profile));
    }
}
