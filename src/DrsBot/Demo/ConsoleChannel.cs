using DrsBot.Slack;



namespace DrsBot.Demo;

/// <summary>Development without a bot token: channel messages land in the local console instead of Slack.</summary>
public sealed class ConsoleChannel(ConsoleFeed feed) : IChannelPoster
{
    public Task<PostResult> PostAsync(string channelId, SlackMessage message, CancellationToken ct, PostPlacement? placement = null, string? metadataId = null)
    {
        var node = ConsoleFeed.ToNode(message);
        if (placement?.ThreadTs is { } thread)
        {
            node["thread_ts"] = thread; // the console shows replies in the channel, marked as in a thread
        }

        var id = feed.Add("channel", channelId, null, node);
        return Task.FromResult(PostResult.Ok with { Timestamp = id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    /// <summary>The console answers every post at once, so nothing is ever "maybe" posted there.</summary>
    public Task<LookupResult> FindAsync(string channelId, string? threadTs, string metadataId, DateTimeOffset since, CancellationToken ct) =>
        Task.FromResult(new LookupResult(LookupOutcome.NotFound));

    public Task<PostResult> UpdateAsync(string channelId, string ts, SlackMessage message, CancellationToken ct) =>
        Task.FromResult(long.TryParse(ts, System.Globalization.CultureInfo.InvariantCulture, out var id) && feed.Replace(id, "channel", ConsoleFeed.ToNode(message))
            ? PostResult.Ok with { Timestamp = ts }
            : new PostResult(PostOutcome.MessageGone, "message_not_found"));
}
