using Hangfire.AspNetCore;
using Hangfire.Logging;

namespace DrsBot.Watching;

/// <summary>
/// Hangfire.AspNetCore's log provider, minus one exception. Hangfire keeps its log provider in a static, and a
/// process that runs several hosts (the tests run them side by side) can have one host start while the provider
/// still holds another's disposed logger factory; Hangfire would then fail that host's start. A logger asked of a
/// disposed factory is silent instead. With one host per process, as in production, this changes nothing.
/// </summary>
internal sealed class HangfireLogs(ILoggerFactory factory) : ILogProvider
{
    private readonly AspNetCoreLogProvider _inner = new(factory);

    public ILog GetLogger(string name)
    {
        try
        {
            return _inner.GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return Silent.Instance;
        }
    }

    private sealed class Silent : ILog
    {
        public static readonly Silent Instance = new();

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
