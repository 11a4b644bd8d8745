using Microsoft.Extensions.Options;

namespace DrsBot.Slack;

/// <summary>
/// Whether posting to Slack can work at all. An answer no retry will fix (a revoked token, a missing scope) halts
/// every post, with one error in the log, instead of a refused attempt per channel per poll; the outboxes keep
/// what is owed. A change of the Slack settings (or a restart) lifts the halt.
/// </summary>
public sealed partial class SlackDeliveryHealth : IDisposable
{
    private readonly ILogger<SlackDeliveryHealth> _logger;
    private readonly IDisposable? _subscription;
    private volatile string? _haltedBecause;

    public SlackDeliveryHealth(IOptionsMonitor<SlackOptions> options, ILogger<SlackDeliveryHealth> logger)
    {
        _logger = logger;
        _subscription = options.OnChange(_ => Resume());
    }

    public string? HaltedBecause => _haltedBecause;

    public void Halt(string? error)
    {
        if (Interlocked.Exchange(ref _haltedBecause, error ?? "misconfigured") is null)
        {
            LogHalted(_logger, error);
        }
    }

    public void Resume()
    {
        if (Interlocked.Exchange(ref _haltedBecause, null) is not null)
        {
            LogResumed(_logger);
        }
    }

    public void Dispose() => _subscription?.Dispose();

    [LoggerMessage(Level = LogLevel.Error, Message = "Slack refuses DrsBot itself ({Error}): no notification is posted until Slack:BotToken or the app's scopes are fixed and the settings reloaded (or DrsBot restarted). Notifications stay queued.")]
    private static partial void LogHalted(ILogger logger, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack settings changed: posting notifications again")]
    private static partial void LogResumed(ILogger logger);
}
