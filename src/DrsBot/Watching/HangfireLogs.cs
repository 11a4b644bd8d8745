using Hangfire.Logging;
using HangfireLevel = Hangfire.Logging.LogLevel;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace DrsBot.Watching;

/// <summary>
/// Hangfire's lines into this host's logging. Hangfire keeps its log provider in a static, so when several hosts share
/// a process (the tests run them side by side) it can outlive the host that set it: a logger asked of a stopped
/// host's factory is then silent, instead of an exception in whichever host asked.
/// </summary>
internal sealed class HangfireLogs(ILoggerFactory factory) : ILogProvider
{
    public ILog GetLogger(string name)
    {
        try
        {
            return new Logger(factory.CreateLogger(name));
        }
        catch (ObjectDisposedException)
        {
            return Logger.Silent;
        }
    }

    private sealed class Logger(ILogger? logger) : ILog
    {
        public static readonly Logger Silent = new(null);

        public bool Log(HangfireLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            var level = logLevel switch
            {
                HangfireLevel.Trace => LogLevel.Trace,
                HangfireLevel.Debug => LogLevel.Debug,
                HangfireLevel.Info => LogLevel.Information,
                HangfireLevel.Warn => LogLevel.Warning,
                HangfireLevel.Error => LogLevel.Error,
                _ => LogLevel.Critical,
            };
            if (logger is null || !logger.IsEnabled(level))
            {
                return false;
            }

            if (messageFunc is not null)
            {
                logger.Log(level, exception, "{Message}", messageFunc());
            }

            return true;
        }
    }
}
