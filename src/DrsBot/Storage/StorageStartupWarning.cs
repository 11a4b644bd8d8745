using Microsoft.Extensions.Options;

namespace DrsBot.Storage;

/// <summary>In Production, says once at start-up that in-memory watches die with the process.</summary>
internal sealed partial class StorageStartupWarning(
    IOptions<StorageOptions> options, IHostEnvironment environment, ILogger<StorageStartupWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (environment.IsProduction() && options.Value.Storage == StorageKind.InMemory)
        {
            LogInMemory(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "Hangfire:Storage is InMemory: subscriptions and queued notifications do not survive a restart, and only one replica may run. " +
        "Set Hangfire:Storage=PostgreSql and ConnectionStrings:Hangfire to keep them.")]
    private static partial void LogInMemory(ILogger logger);
}
