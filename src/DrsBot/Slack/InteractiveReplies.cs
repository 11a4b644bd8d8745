using Microsoft.Extensions.Options;

namespace DrsBot.Slack;

/// <summary>
/// Keeps Slack's 3-second promise. Work that finishes within <c>Slack:ReplyBudget</c> (formerly <c>Drs:InteractiveBudget</c>) is the
/// reply itself; slower work gets an immediate acknowledgement and its result goes to <c>response_url</c>.
/// Follow-ups in flight are tracked by <see cref="FollowUps"/>, so a deploy does not swallow an answer.
/// </summary>
public sealed partial class InteractiveReplies(
    ResponseUrlClient responseUrl,
    FollowUps followUps,
    ResponseUrlPolicy policy,
    IOptions<SlackOptions> slack,
    TimeProvider time,
    ILogger<InteractiveReplies> logger)
{
    /// <param name="acknowledge">
    /// The "Fetching…" message for work slower than the budget: made only then, since nearly every answer is in time.
    /// </param>
    public async Task<SlackMessage> WithinBudgetAsync(
        SlashCommand command, Func<SlackMessage> acknowledge, Func<CancellationToken, Task<SlackMessage>> work)
    {
        // The request's own token dies with the HTTP response, and ApplicationStopping with the first second of a
        // deploy; the work must outlive both, so only the end of the shutdown timeout cancels it.
        var task = Run(work, followUps.Aborted);
        if (command.FromButton)
        {
            return await task;
        }

        try
        {
            // One timer, and no CancellationTokenSource, Task.Delay or WhenAny per command.
            return await task.WaitAsync(slack.Value.EffectiveReplyBudget, time);
        }
        catch (TimeoutException e) when (!ReferenceEquals(e, task.Exception?.InnerException))
        {
            // The budget ran out (not the work's own timeout): acknowledge now, answer on response_url.
        }

        var acknowledgement = acknowledge();
        if (!policy.IsAllowed(command.ResponseUrl))
        {
            // Slow, and nowhere we may send the answer: the acknowledgement is all this command gets.
            LogNoFollowUp(logger, command.ResponseUrl?.Host);
            _ = task.ContinueWith(t => t.Exception, TaskScheduler.Default); // observed, never posted
            return acknowledgement;
        }

        followUps.Track(FollowUpAsync(task, command.ResponseUrl!, acknowledgement.ResponseType));
        LogDeferred(logger, command.ChannelId);
        return acknowledgement;
    }

    private static async Task<SlackMessage> Run(Func<CancellationToken, Task<SlackMessage>> work, CancellationToken ct)
    {
        await Task.Yield();
        return await work(ct);
    }

    private async Task FollowUpAsync(Task<SlackMessage> work, Uri url, string? responseType)
    {
        SlackMessage message;
        try
        {
            message = await work;
        }
        catch (Exception e)
        {
            LogWorkFailed(logger, e);
            message = new SlackMessage(":x: Something went wrong while reading DRS. Please try again.");
        }

        // Replace the "Fetching…" acknowledgement rather than leaving it above the answer.
        message = message with { ReplaceOriginal = true, ResponseType = responseType ?? message.ResponseType };
        await responseUrl.PostAsync(url, message, CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A slow command's response_url on {Host} is not under Slack:ResponseUrlPrefixes; it gets no follow-up")]
    private static partial void LogNoFollowUp(ILogger logger, string? host);

    [LoggerMessage(Level = LogLevel.Information, Message = "DRS was slower than the reply budget; answering {Channel} via response_url")]
    private static partial void LogDeferred(ILogger logger, string channel);

    [LoggerMessage(Level = LogLevel.Error, Message = "A deferred command failed")]
    private static partial void LogWorkFailed(ILogger logger, Exception e);
}
