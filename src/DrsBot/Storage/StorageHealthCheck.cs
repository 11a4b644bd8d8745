using DrsBot.Watching;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DrsBot.Storage;

/// <summary>Readiness: a replica whose storage does not answer cannot subscribe or poll, so it takes no traffic.</summary>
internal sealed class StorageHealthCheck(IWatchStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            await store.PingAsync(timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is WatchStoreUnavailableException or OperationCanceledException)
        {
            // The reason stays in the server's log; a probe's body is no place for connection details.
            return HealthCheckResult.Unhealthy("storage unavailable");
        }
    }
}
