using DrsBot.Slack;
using DrsBot.Watching;



namespace DrsBot.Features.Shared;

/// <summary>What every command that changes a channel's settings checks first, and says when it cannot.</summary>
public static class ChannelCommands
{
    /// <summary>Slack channel ids (C…, G…, D…) are short upper-case alphanumerics; they become storage keys.</summary>
    public static bool IsChannelId(string id) =>
        id.Length is >= 2 and <= 32 && id.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c));

    public static SlackMessage NoChannel() => new(
        "Subscriptions need a channel.",
        [Blocks.Section(":thinking_face: Subscriptions belong to a channel, and Slack did not say which one this is. Try again from the channel you want notified.")]);

    public static SlackMessage StorageUnavailable() => new(
        "DrsBot's storage is not answering right now; nothing was changed. Please try again in a minute.",
        [Blocks.Section(":construction: DrsBot's storage is not answering right now, so nothing was changed. " +
                        "Please try again in a minute. Progress queries (`/drs-progress <job_id> <compare_job_id>`) still work.")]);

    /// <summary>A store that does not answer gets an honest "try again", never a 500 or a timeout.</summary>
    public static async Task<SlackMessage> GuardAsync(Func<Task<SlackMessage>> work, Action<string> unavailable)
    {
        try
        {
            return await work();
        }
        catch (WatchStoreUnavailableException e)
        {
            unavailable(e.Message);
            return StorageUnavailable();
        }
    }
}
