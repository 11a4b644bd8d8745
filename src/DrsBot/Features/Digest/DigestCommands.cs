using DrsBot.Features.Shared;
using DrsBot.Slack;
using static DrsBot.Features.Shared.ChannelCommands;

namespace DrsBot.Features.Digest;

/// <summary>digest and digest off: a channel's daily summary of what it watches.</summary>
public sealed partial class DigestCommands(DigestSchedule digests, ILogger<DigestCommands> logger)
{
    public Task<SlackMessage> SetAsync(SlashCommand command, TimeOnly at, TimeZoneInfo zone)
    {
        if (!IsChannelId(command.ChannelId))
        {
            return Task.FromResult(NoChannel());
        }

        // Hangfire's storage API is synchronous: run it off the request thread.
        return GuardAsync(async () =>
        {
            var setting = await Task.Run(() => digests.Set(command.TeamId, command.ChannelId, at, zone));
            LogDigest(logger, command.ChannelId, setting.At, setting.TimeZoneId);
            return DigestMessages.Scheduled(command.UserId, setting);
        });
    }

    public Task<SlackMessage> OffAsync(SlashCommand command)
    {
        if (!IsChannelId(command.ChannelId))
        {
            return Task.FromResult(NoChannel());
        }

        return GuardAsync(async () =>
        {
            if (!await Task.Run(() => digests.Remove(command.TeamId, command.ChannelId)))
            {
                return DigestMessages.NoDigest();
            }

            LogDigestOff(logger, command.ChannelId);
            return DigestMessages.Stopped(command.UserId);
        });
    }

    private Task<SlackMessage> GuardAsync(Func<Task<SlackMessage>> work) =>
        ChannelCommands.GuardAsync(work, reason => LogStoreUnavailable(logger, reason));

    [LoggerMessage(Level = LogLevel.Information, Message = "Daily digest for {Channel} set to {At} {TimeZone}")]
    private static partial void LogDigest(ILogger logger, string channel, TimeOnly at, string timeZone);

    [LoggerMessage(Level = LogLevel.Information, Message = "Daily digest for {Channel} stopped")]
    private static partial void LogDigestOff(ILogger logger, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A digest command found the storage unavailable: {Reason}")]
    private static partial void LogStoreUnavailable(ILogger logger, string reason);
}
