using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace DrsBot.Infrastructure;

/// <summary>
/// Production logging: one JSON line per entry on standard output (<see cref="JsonLineFormatter"/>), in place of the
/// built-in console logger. Aliased "Console", so <c>Logging:Console:LogLevel</c> settings keep applying.
/// </summary>
[ProviderAlias("Console")]
internal sealed class JsonLineLoggerProvider(LogOutput output) : ILoggerProvider, ISupportExternalScope
{
    private readonly LogOutput _output = output;
    private IExternalScopeProvider? _scopes;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <summary>Writes what is still pending before the process ends.</summary>
    public void Dispose() => _output.Dispose();

    private sealed class Logger(string category, JsonLineLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                JsonLineFormatter.Write(
                    new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), provider._scopes, provider._output);
            }
        }
    }
}

public static class JsonLineLogging
{
    /// <summary>JSON lines on standard output instead of the console logger's text.</summary>
    public static ILoggingBuilder AddJsonLines(this ILoggingBuilder logging)
    {
        for (var i = logging.Services.Count - 1; i >= 0; i--)
        {
            if (logging.Services[i].ImplementationType == typeof(ConsoleLoggerProvider))
            {
                logging.Services.RemoveAt(i);
            }
        }

        logging.Services.AddSingleton<ILoggerProvider>(_ => new JsonLineLoggerProvider(new LogOutput(Console.OpenStandardOutput())));
        return logging;
    }
}
