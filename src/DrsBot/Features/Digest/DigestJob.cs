using DrsBot.Slack;
using DrsBot.Watching;
using Hangfire;
using Microsoft.Extensions.Options;

namespace DrsBot.Features.Digest;

/// <summary>
/// Posts one channel's daily digest. A Slack that is down or rate-limiting makes the job fail so Hangfire tries
/// again (a few times, minutes apart); a channel that cannot receive messages is logged, not retried all day. The
/// post is the job's last step, so a retry never follows a digest that was delivered.
/// </summary>
[AutomaticRetry(Attempts = 5, LogEvents = false, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
public sealed partial class DigestJob(
    IWatchStore store, IChannelPoster poster, IOptions<WatchOptions> options, DrsProfiles profiles, TimeProvider time, ILogger<DigestJob> logger)
{
    public async Task RunAsync(string teamId, string channelId, CancellationToken stop)
    {
        // Bounded like a poll (Watch:PollDeadline): a stalled Slack fails this run, and Hangfire tries again later.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        deadline.CancelAfter(options.Value.PollDeadline);
        var ct = deadline.Token;
        var records = await store.OfChannelAsync(channelId, ct);
        var message = DigestMessages.Render(records, teamId, channelId, time.GetUtcNow(), profiles.Several);
        var result = await poster.PostAsync(channelId, message, ct);
        switch (result.Outcome)
        {
            case PostOutcome.Delivered:
                LogPosted(logger, channelId, records.Count);
                break;
            case PostOutcome.MaybePosted:
                // Slack may have it: a second digest would be noise, a missing one is seen tomorrow. Not retried.
                LogMaybePosted(logger, channelId, result.Error);
                break;
            case PostOutcome.RetryLater:
                throw new DigestNotPostedException($"Slack did not take the digest for {channelId} ({result.Error ?? "no answer"}); Hangfire will try again.");
            default:
                LogRefused(logger, channelId, result.Error);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Posted the daily digest to {Channel} ({Comparisons} comparisons)")]
    private static partial void LogPosted(ILogger logger, string channel, int comparisons);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack may or may not have taken the daily digest for {Channel} ({Error}); not posted again, so it is never posted twice")]
    private static partial void LogMaybePosted(ILogger logger, string channel, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack refused the daily digest for {Channel} ({Error}); `/drs-progress digest off` there, or fix the channel")]
    private static partial void LogRefused(ILogger logger, string channel, string? error);
}

public sealed class DigestNotPostedException(string message) : Exception(message);
