using DrsBot.Slack;
using DrsBot.Watching;
using static DrsBot.Features.Shared.ChannelCommands;

namespace DrsBot.Features.Profiles;

/// <summary><c>use [profile]</c>, and the check every command that calls DRS passes first: may this channel use the profile?</summary>
public sealed partial class ProfileCommands(ChannelProfiles channels, DrsProfiles profiles, ILogger<ProfileCommands> logger)
{
    public Task<SlackMessage> UseAsync(SlashCommand command, string? profile)
    {
        if (!profiles.Several)
        {
            return Task.FromResult(ProfileMessages.OnlyOne());
        }

        if (!IsChannelId(command.ChannelId))
        {
            return Task.FromResult(NoChannel());
        }

        return GuardAsync(async () =>
        {
            var allowed = profiles.AllowedIn(command.ChannelId);
            if (profile is null)
            {
                return ProfileMessages.Shown(await channels.GetAsync(command.TeamId, command.ChannelId) ?? ComparisonRef.DefaultProfile, allowed);
            }

            if (Refusal(profile, command.ChannelId) is { } refused)
            {
                return refused;
            }

            await channels.SetAsync(command.TeamId, command.ChannelId, profile);
            LogUse(logger, command.ChannelId, profile, command.UserId);
            return ProfileMessages.Set(command.UserId, profile);
        });
    }

    /// <summary>Null when the channel may use the profile (null: the default one); else the sentence that says why not.</summary>
    public SlackMessage? Refusal(string? profile, string channelId)
    {
        if (profiles.Allows(profile, channelId))
        {
            return null;
        }

        var name = profile ?? ComparisonRef.DefaultProfile;
        LogRefused(logger, name, channelId);
        var allowed = profiles.AllowedIn(channelId);
        return profiles.Exists(name) ? ProfileMessages.NotAllowed(name, allowed) : ProfileMessages.Unknown(name, allowed);
    }

    private Task<SlackMessage> GuardAsync(Func<Task<SlackMessage>> work) =>
        Shared.ChannelCommands.GuardAsync(work, reason => LogStoreUnavailable(logger, reason));

    [LoggerMessage(Level = LogLevel.Information, Message = "Channel {Channel} now uses DRS profile {Profile} (set by {User})")]
    private static partial void LogUse(ILogger logger, string channel, string profile, string user);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused DRS profile {Profile} in channel {Channel}: unknown, or not in its AllowedChannels")]
    private static partial void LogRefused(ILogger logger, string profile, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A use command found the storage unavailable: {Reason}")]
    private static partial void LogStoreUnavailable(ILogger logger, string reason);
}

public static class ProfilesFeature
{
    /// <summary>DRS profiles in Slack: <c>use</c>, each channel's profile, and the check before any DRS call.</summary>
    public static IServiceCollection AddProfiles(this IServiceCollection services)
    {
        services.AddSingleton<ChannelProfiles>();
        services.AddSingleton<ProfileCommands>();
        return services;
    }
}
