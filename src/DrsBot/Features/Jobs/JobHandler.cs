using DrsBot.Drs;
using DrsBot.Slack;
using Microsoft.Extensions.Options;

namespace DrsBot.Features.Jobs;

/// <summary><c>/drs-progress &lt;job_id&gt;</c> and its Refresh button: a job and its comparisons.</summary>
public sealed class JobHandler(IDrsClient drs, IOptions<DrsOptions> drsOptions, TimeProvider time)
{
    public async Task<SlackMessage> ShowAsync(string jobId, CancellationToken ct)
    {
        var view = await drs.GetJobAsync(jobId, ct);
        return JobMessages.Render(view, time.GetUtcNow(), drsOptions.Value.ConsoleLink(jobId));
    }
}
