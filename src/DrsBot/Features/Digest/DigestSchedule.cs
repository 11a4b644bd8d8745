using System.Data.Common;
using DrsBot.Watching;
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
        Guard(() => jobs.AddOrUpdate<DigestJob>(
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
        Guard(() => jobs.RemoveIfExists(Id(teamId, channelId)));
        return existed;
    }

    public DigestSetting? Get(string teamId, string channelId) => Guard(() =>
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

    private static void Guard(Action work) => Guard(() =>
    {
        work();
        return 0;
    });

    /// <summary>
    /// Hangfire's storage throws its driver's exceptions. After a database restart the first use of a pooled
    /// connection fails, so every operation (each is idempotent) gets one more try on a fresh one; a database that
    /// still does not answer is "try again" for the person asking.
    /// </summary>
    private static T Guard<T>(Func<T> work)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return work();
            }
            catch (Exception e) when (IsUnavailable(e) && attempt == 1)
            {
            }
            catch (Exception e) when (IsUnavailable(e))
            {
                throw new WatchStoreUnavailableException("Hangfire's storage did not answer: " + e.Message, e);
            }
        }
    }

    private static bool IsUnavailable(Exception e) =>
        e is DbException or TimeoutException or System.Net.Sockets.SocketException
        || e.InnerException is DbException or TimeoutException or System.Net.Sockets.SocketException;
}
