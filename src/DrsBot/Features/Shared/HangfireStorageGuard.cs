using System.Data.Common;
using DrsBot.Watching;

namespace DrsBot.Features.Shared;

/// <summary>Settings kept in Hangfire's storage (digests, a channel's DRS profile): one way to call it.</summary>
public static class HangfireStorageGuard
{
    public static void Run(Action work) => Run(() =>
    {
        work();
        return 0;
    });

    /// <summary>
    /// Hangfire's storage throws its driver's exceptions. After a database restart the first use of a pooled
    /// connection fails, so every operation (each is idempotent) gets one more try on a fresh one; a database that
    /// still does not answer is "try again" for the person asking.
    /// </summary>
    public static T Run<T>(Func<T> work)
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
