using System.Runtime.CompilerServices;
using Hangfire.Logging;
using Hangfire.PostgreSql;

namespace DrsBot.Tests.Services;

/// <summary>
/// Hangfire logs through one process-wide provider, which each test host points at its own logger factory when it
/// starts, and which is left on that factory once the host is disposed. Hangfire.PostgreSql's installer, lock and
/// expiration manager each make a static logger on first use: made from a disposed factory, it throws, and the type
/// stays broken for the rest of the run, failing every PostgreSQL test after it (it failed CI once). So they are
/// made once, as the test assembly loads, from a provider that is alive and says nothing.
/// </summary>
internal static class HangfireStaticLoggers
{
    [ModuleInitializer]
    internal static void MakeThemNow()
    {
        LogProvider.SetCurrentLogProvider(new Silent());
        RuntimeHelpers.RunClassConstructor(typeof(PostgreSqlObjectsInstaller).TypeHandle);
        RuntimeHelpers.RunClassConstructor(typeof(PostgreSqlDistributedLock).TypeHandle);
        RuntimeHelpers.RunClassConstructor(typeof(PostgreSqlStorage).Assembly.GetType("Hangfire.PostgreSql.ExpirationManager", throwOnError: true)!.TypeHandle);
        LogProvider.SetCurrentLogProvider(null);
    }

    private sealed class Silent : ILogProvider, ILog
    {
        public ILog GetLogger(string name) => this;

        public bool Log(LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
