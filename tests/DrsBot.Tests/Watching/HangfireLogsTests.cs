using DrsBot.Watching;
using Microsoft.Extensions.Logging;
using HangfireLevel = Hangfire.Logging.LogLevel;

namespace DrsBot.Tests.Watching;

public sealed class HangfireLogsTests
{
    [Fact]
    public void Hangfire_lines_reach_the_hosts_logging_at_their_level()
    {
        var lines = new List<(LogLevel Level, string Message)>();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(new ListProvider(lines)));
        var log = new HangfireLogs(factory).GetLogger("Hangfire.Server");

        Assert.True(log.Log(HangfireLevel.Warn, () => "a {worker} stopped", null));
        Assert.False(log.Log(HangfireLevel.Debug, () => "not enabled", null));
        Assert.True(log.Log(HangfireLevel.Error, null)); // "is Error enabled?"

        Assert.Equal([(LogLevel.Warning, "a {worker} stopped")], lines);
    }

    [Fact]
    public void A_stopped_hosts_factory_makes_a_silent_logger_not_an_exception()
    {
        var factory = LoggerFactory.Create(_ => { });
        var provider = new HangfireLogs(factory);
        factory.Dispose(); // that host stopped; Hangfire's static provider is still this one

        var log = provider.GetLogger("Hangfire.Client.CoreBackgroundJobFactory");

        Assert.False(log.Log(HangfireLevel.Error, () => "lost", null));
    }

    private sealed class ListProvider(List<(LogLevel, string)> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(lines);

        public void Dispose()
        {
        }

        private sealed class ListLogger(List<(LogLevel, string)> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Add((logLevel, formatter(state, exception)));
        }
    }
}
