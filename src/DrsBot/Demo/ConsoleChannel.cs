using DrsBot.Slack;

namespace DrsBot.Demo;

/// <summary>Development without a bot token: channel messages land in the local console instead of Slack.</summary>
public sealed class ConsoleChannel(ConsoleFeed feed) : IChannelPoster
{
    public Task<PostResult> PostAsync(string channelId, SlackMessage message, CancellationToken ct)
    {
        feed.Add("channel", channelId, null, ConsoleFeed.ToNode(message));
        return Task.FromResult(PostResult.Ok);
    }
}
