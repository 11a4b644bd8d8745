using DrsBot.Features.Shared;
using DrsBot.Watching;
using Hangfire;

namespace DrsBot.Features.Profiles;

/// <summary>
/// Each channel's DRS profile (<c>/drs-progress use &lt;profile&gt;</c>): the profile of a job id typed without one. Kept
/// in Hangfire's storage beside the digests, so with PostgreSQL it survives restarts and every replica reads the same.
/// </summary>
public sealed class ChannelProfiles(JobStorage storage, DrsProfiles profiles)
{
    private static string Key(string teamId, string channelId) => $"drsbot:channel-profile:{teamId}:{channelId}";

    /// <summary>The channel's profile; null for the default one, and whenever only one profile is configured (no read).</summary>
    public async Task<string?> GetAsync(string teamId, string channelId)
    {
        if (!profiles.Several)
        {
            return null;
        }

        // Hangfire's storage API is synchronous: run it off the request thread.
        var stored = await Task.Run(() => HangfireStorageGuard.Run(() =>
        {
            using var connection = storage.GetConnection();
            return connection.GetAllEntriesFromHash(Key(teamId, channelId))?.GetValueOrDefault("profile");
        }));
        // A profile removed from the configuration since: the default, which the router may still refuse here.
        return stored is null or ComparisonRef.DefaultProfile || !profiles.Exists(stored) ? null : stored;
    }

    public Task SetAsync(string teamId, string channelId, string profile) => Task.Run(() => HangfireStorageGuard.Run(() =>
    {
        using var connection = storage.GetConnection();
        if (profile == ComparisonRef.DefaultProfile)
        {
            using var remove = connection.CreateWriteTransaction();
            remove.RemoveHash(Key(teamId, channelId));
            remove.Commit();
            return;
        }

        connection.SetRangeInHash(Key(teamId, channelId), [KeyValuePair.Create("profile", profile)]);
    }));
}
