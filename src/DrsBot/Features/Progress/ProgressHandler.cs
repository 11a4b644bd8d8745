using DrsBot.Drs;
using DrsBot.Slack;
using DrsBot.Watching;

namespace DrsBot.Features.Progress;

/// <summary><c>/drs-progress &lt;job_id&gt; &lt;compare_job_id&gt;</c> and the Refresh button: the progress card.</summary>
public sealed class ProgressHandler(IDrsClient drs, IWatchStore store, DrsProfileSet drsProfiles, DrsProfiles profiles, TimeProvider time)
{
    /// <summary>How long a comparison's question-time readings are kept for the next question's ETA.</summary>
    public static readonly TimeSpan KeepPaceFor = TimeSpan.FromHours(1);

    public async Task<SlackMessage> ShowAsync(SlashCommand command, ComparisonRef comparison, CancellationToken ct)
    {
        var result = await drs.GetCompareProgressAsync(comparison, DrsCallKind.Interactive, ct);
        var now = time.GetUtcNow();
        if (result is not ProgressRead read)
        {
            return FailureMessages.Render(comparison, ((ProgressFailed)result).Failure, now, profiles.Label(comparison));
        }

        var (subscribed, eta) = await WhatStorageKnowsAsync(command, comparison, read.Progress, now, ct);
        return ProgressMessages.Render(comparison, read.Progress, now,
            ProgressMessages.Buttons(comparison, subscribed, drsProfiles.ConsoleLink(comparison.Profile, comparison.JobId), read.Progress.RowsToRecheck > 0),
            eta, profiles.Label(comparison));
    }

    /// <summary>
    /// Whether this channel watches the comparison (for the Subscribe/Unsubscribe button), and the ETA from the
    /// readings DrsBot already has plus this one. A watched comparison's readings come from its polls; any other's
    /// are kept for an hour, a reading at most every 20 s (<see cref="PaceHistory.Supersedes"/>). Without storage:
    /// not subscribed, no ETA, the card still shows. Internal for the allocation benchmark, which times this code.
    /// </summary>
    internal async Task<(bool Subscribed, TimeSpan? Eta)> WhatStorageKnowsAsync(
        SlashCommand command, ComparisonRef comparison, CompareProgress progress, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            var record = await store.GetAsync(comparison, ct);
            var subscribed = record?.Of(command.TeamId, command.ChannelId) is not null;
            if (progress.Full?.Progress is not { } full)
            {
                return (subscribed, null);
            }

            var kept = record?.Pace ?? await store.GetPaceAsync(comparison, now, ct);
            var pace = (kept ?? PaceHistory.Empty).Add(now, full);
            if (record is null && pace.Supersedes(kept))
            {
                await store.SavePaceAsync(comparison, pace, now + KeepPaceFor, ct);
            }

            return (subscribed, pace.Eta());
        }
        catch (WatchStoreUnavailableException)
        {
            return (false, null);
        }
    }
}
