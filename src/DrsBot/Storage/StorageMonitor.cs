using DrsBot.Infrastructure;
using DrsBot.Watching;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DrsBot.Storage;

/// <summary>
/// Asks the storage every few seconds whether it answers, and says so: in <see cref="WatchStoreStatus"/>, in the
/// gauge <c>drsbot_storage_up</c>, in one log line per change, and in <c>/readyz</c>'s body. Readiness itself stays
/// 200: a database outage must not take every replica out of the Service.
/// </summary>
internal sealed partial class StorageMonitor(
    IWatchStore store, WatchStoreStatus status, DrsBotMetrics metrics, TimeProvider time, ILogger<StorageMonitor> logger)
    : BackgroundService, IHealthCheck
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(3);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, time);
        do
        {
            await CheckAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await CheckAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Degraded("storage unavailable: subscribe, list and polls wait for it; progress and job views work");

    private async Task<bool> CheckAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(PingTimeout);
        bool up;
        string? reason = null;
        try
        {
            await store.PingAsync(timeout.Token);
            up = true;
        }
        catch (Exception e) when (e is WatchStoreUnavailableException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            up = false;
            reason = e.Message;
        }

        var was = status.IsUp;
        status.Report(up);
        metrics.StorageUp(up);
        if (was && !up)
        {
            LogDown(logger, reason);
        }
        else if (!was && up)
        {
            LogUp(logger);
        }

        return up;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Storage unavailable: subscriptions, list and polls wait for it; progress and job views still answer. {Reason}")]
    private static partial void LogDown(ILogger logger, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage answers again")]
    private static partial void LogUp(ILogger logger);
}

/// <summary>Readiness until the host has started: 503 while starting, 200 from then on.</summary>
internal sealed class StartedHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStarted.IsCancellationRequested && !lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy(lifetime.ApplicationStopping.IsCancellationRequested ? "stopping" : "starting"));
}
