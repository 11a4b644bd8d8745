using DrsBot.Features.Shared;
using Hangfire;
using Hangfire.Storage;

namespace DrsBot.Features.Digest;

/// <summary>A channel's daily digest: the time of day, its time zone, and the next time it will be posted.</summary>
public sealed record DigestSetting(TimeOnly At, string TimeZoneId, DateTimeOffset? NextAt);

/// <summary>
/// One Hangfire recurring job per channel with a digest, in Hangfire's storage: with PostgreSQL it survives
/// restarts, and whichever replica's scheduler gets there first runs it, once. That job is the only record of the
/// digest, so what <c>list</c> shows and what runs can never disagree.
/// </summary>
public sealed class DigestSchedule(IRecurringJobManager jobs, JobStorage storage)
{
    public static string Id(string teamId, string channelId) => $"digest:{teamId}:{channelId}";

    public DigestSetting Set(string teamId, string channelId, TimeOnly at, TimeZoneInfo zone)
    {
        HangfireStorageGuard.Run(() => jobs.AddOrUpdate<DigestJob>(
            Id(teamId, channelId),
            job => job.RunAsync(teamId, channelId, CancellationToken.None),
            $"{at.Minute} {at.Hour} * * *",
            new RecurringJobOptions { TimeZone = zone }));
        return Get(teamId, channelId) ?? new DigestSetting(at, zone.Id, null);
    }

    /// <summary>Stops the digest; false when there was none.</summary>
    public bool Remove(string teamId, string channelId)
    {
        var existed = Get(teamId, channelId) is not null;
        HangfireStorageGuard.Run(() => jobs.RemoveIfExists(Id(teamId, channelId)));
        return existed;
    }

    public DigestSetting? Get(string teamId, string channelId) => HangfireStorageGuard.Run(() =>
    {
        using var connection = storage.GetConnection();
        var job = connection.GetRecurringJobs([Id(teamId, channelId)]).FirstOrDefault();
        if (job is null || job.Removed || job.Cron?.Split(' ') is not [var minute, var hour, "*", "*", "*"]
            || !int.TryParse(minute, out var m) || !int.TryParse(hour, out var h))
        {
            return null;
        }

        return new DigestSetting(new TimeOnly(h, m), job.TimeZoneId ?? "UTC",
            job.NextExecution is { } next ? new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc)) : null);
    });
}
