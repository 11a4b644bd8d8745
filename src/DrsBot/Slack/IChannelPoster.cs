namespace DrsBot.Slack;

/// <summary>How Slack answered a post, reduced to what the caller must do next.</summary>
public enum PostOutcome
{
    Delivered,
    /// <summary>Try again later: rate limits that outlasted our retries, 5xx, timeouts, a bad token.</summary>
    RetryLater,
    /// <summary>This channel cannot receive messages until a person fixes it (invite the bot, unarchive…).</summary>
    ChannelUnavailable,
    /// <summary>Slack will never accept this message as it is (e.g. invalid_blocks).</summary>
    Rejected,
    /// <summary>The message to update or to reply under is gone (deleted): start a new one.</summary>
    MessageGone,
    /// <summary>Slack refuses DrsBot itself (invalid_auth, token_revoked…): nothing posts until the configuration changes.</summary>
    Misconfigured,
}

public sealed record PostResult(PostOutcome Outcome, string? Error = null, string? Timestamp = null)
{
    public static readonly PostResult Ok = new(PostOutcome.Delivered);
}

/// <summary>Where a post goes within its channel: a thread (and whether the reply is also shown in the channel).</summary>
public sealed record PostPlacement(string? ThreadTs = null, bool AlsoToChannel = false)
{
    public static readonly PostPlacement Channel = new();
}

/// <summary>Posts and updates messages in a channel: Slack's chat.postMessage and chat.update, or the local console.</summary>
public interface IChannelPoster
{
    Task<PostResult> PostAsync(string channelId, SlackMessage message, CancellationToken ct, PostPlacement? placement = null);

    Task<PostResult> UpdateAsync(string channelId, string ts, SlackMessage message, CancellationToken ct);
}
