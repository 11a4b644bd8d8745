using DrsBot.Watching;


namespace DrsBot.Slack;

/// <summary>How Slack answered a post, reduced to what the caller must do next.</summary>
public enum PostOutcome
{
    Delivered,
    /// <summary>Not posted, try again later: the connection refused, rate limits that outlasted our retries.</summary>
    RetryLater,
    /// <summary>
    /// Slack may have taken it: a 5xx, <c>fatal_error</c>, <c>internal_error</c>, or no answer after the request was
    /// sent. Look for it in the channel before posting it again.
    /// </summary>
    MaybePosted,
    /// <summary>This channel cannot receive messages until a person fixes it (invite the bot, unarchive…).</summary>
    ChannelPaused,
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

/// <summary>Whether a message with a given metadata id is in a channel (or a thread).</summary>
public enum LookupOutcome
{
    Found,
    NotFound,
    /// <summary>No <c>channels:history</c>/<c>groups:history</c> scope: nobody can tell; post again and count it.</summary>
    CannotLook,
    /// <summary>Slack did not answer the lookup: ask again later, post nothing now.</summary>
    Failed,
}

public sealed record LookupResult(LookupOutcome Outcome, string? Timestamp = null, string? Error = null);

/// <summary>Posts and updates messages in a channel: Slack's chat.postMessage and chat.update, or the local console.</summary>
public interface IChannelPoster
{
    /// <summary>
    /// Posts a message; with <paramref name="metadataId"/> it carries Slack message metadata
    /// (<c>event_type</c> <c>drsbot_notification</c>, <c>event_payload.id</c>) so <see cref="FindAsync"/> can find it.
    /// </summary>
    Task<PostResult> PostAsync(string channelId, SlackMessage message, CancellationToken ct, PostPlacement? placement = null, string? metadataId = null);

    /// <summary>Looks for the message posted with <paramref name="metadataId"/> since <paramref name="since"/>, in the thread when given.</summary>
    Task<LookupResult> FindAsync(string channelId, string? threadTs, string metadataId, DateTimeOffset since, CancellationToken ct);

    Task<PostResult> UpdateAsync(string channelId, string ts, SlackMessage message, CancellationToken ct);
}
