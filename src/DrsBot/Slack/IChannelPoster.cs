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
    /// <summary>Slack refuses DrsBot itself (invalid_auth, token_revoked…): nothing posts until the configuration changes.</summary>
    Misconfigured,
}

public sealed record PostResult(PostOutcome Outcome, string? Error = null, string? Timestamp = null)
{
    public static readonly PostResult Ok = new(PostOutcome.Delivered);
}

/// <summary>Posts a message into a channel: Slack's chat.postMessage, or the local console in development.</summary>
public interface IChannelPoster
{
    Task<PostResult> PostAsync(string channelId, SlackMessage message, CancellationToken ct);
}
