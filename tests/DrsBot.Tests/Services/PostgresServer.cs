using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace DrsBot.Tests.Services;

/// <summary>
/// A throwaway PostgreSQL server for the test run, started from the installed binaries (initdb and pg_ctl, a free
/// loopback port, a temporary folder) and stopped when the run ends; or the server named by
/// <c>DRSBOT_TEST_POSTGRES</c>. Each test gets a database of its own, so tests never see each other's rows.
/// It can be stopped and started again, to test what DrsBot does while its database is away.
/// </summary>
public sealed class PostgresServer
{
    public const string ConnectionVariable = "DRSBOT_TEST_POSTGRES";

    private static readonly Lazy<PostgresServer> Shared = new(() => new PostgresServer());
    private readonly string? _dataDir;
    private readonly string? _binDir;
    private readonly NpgsqlConnectionStringBuilder _admin;

    public static bool CanStart => Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } || FindBinDir() is not null;

    /// <summary>The run's shared server: tests get their own databases on it and never stop it.</summary>
    public static PostgresServer Instance => Shared.Value;

    /// <summary>A server of one test's own, which it may stop and start; never the external one.</summary>
    public static PostgresServer StartPrivate() => new(useExternal: false);

    private PostgresServer(bool useExternal = true)
    {
        if (useExternal && Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } external)
        {
            _admin = new NpgsqlConnectionStringBuilder(external);
            return;
        }

        _binDir = FindBinDir() ?? throw new InvalidOperationException(
            $"No PostgreSQL server binaries (initdb, pg_ctl) found: apt-get install -y postgresql, or set {ConnectionVariable}.");
        var root = DataRoot();
        SweepStopped(root);
        _dataDir = Path.Combine(root, $"drsbot-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_dataDir);
        Port = FreePort();
        RunAsOwner("initdb", $"-D {_dataDir}/data -U postgres -A trust -E UTF8 --no-sync");
        File.AppendAllText($"{_dataDir}/data/postgresql.conf",
            $"\nport = {Port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{_dataDir}'\nfsync = off\nmax_connections = 300\n" +
            // What a failed test quotes from the log: statements and lock waits that took seconds.
            "log_min_duration_statement = 2000\nlog_lock_waits = on\n");
        Start();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            Stop(immediate: true);
            try
            {
                Directory.Delete(_dataDir, recursive: true); // on /dev/shm it would hold memory until a reboot
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        };
        // The throwaway server has neither Kerberos nor TLS: asking for them first is a wasted round trip and a
        // call into the machine's Kerberos library on every connection.
        _admin = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = Port, Username = "postgres", Database = "postgres", Pooling = false,
            GssEncryptionMode = GssEncryptionMode.Disable, SslMode = SslMode.Disable,
        };
    }

    public int Port { get; }

    /// <summary>A new, empty database; its connection string.</summary>
    /// <remarks>
    /// A fresh CI machine has once taken more than Npgsql's 15 s to let the admin connection in, while every test
    /// class was creating its databases at once. Setting up a test is not what the test is about: wait longer, try
    /// again, and if the server still will not answer, say how long each try took and what the server logged.
    /// </remarks>
    public string CreateDatabase()
    {
        var name = $"drsbot_test_{Guid.NewGuid():N}";
        var admin = new NpgsqlConnectionStringBuilder(_admin.ConnectionString) { Timeout = 60, CommandTimeout = 120 };
        var tries = new List<string>();
        string Created() => new NpgsqlConnectionStringBuilder(_admin.ConnectionString) { Database = name, Pooling = true }.ConnectionString;
        for (var attempt = 1; ; attempt++)
        {
            var started = Stopwatch.StartNew();
            try
            {
                using var connection = new NpgsqlConnection(admin.ConnectionString);
                connection.Open();
                using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                command.ExecuteNonQuery();
                return Created();
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase && attempt > 1)
            {
                return Created(); // the try that timed out created it after all
            }
            catch (NpgsqlException e)
            {
                tries.Add($"try {attempt}: {e.Message} after {started.Elapsed.TotalSeconds:F1} s");
                if (attempt == 3)
                {
                    throw new InvalidOperationException(
                        $"Could not create a test database on 127.0.0.1:{Port}: {string.Join("; ", tries)}. Load: {Load()}. Server log:\n{LogTail()}", e);
                }
            }
        }
    }

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";

    private string LogTail() => _dataDir is not null && File.Exists($"{_dataDir}/log")
        ? string.Join('\n', File.ReadLines($"{_dataDir}/log").TakeLast(30))
        : "(not ours)";

    public void Start() => RunAsOwner("pg_ctl", $"-D {_dataDir}/data -l {_dataDir}/log -w -t 60 start");

    /// <summary>Stops the server (fast shutdown: connections are cut, as when a database fails over).</summary>
    public void Stop(bool immediate = false)
    {
        if (_dataDir is not null && Directory.Exists($"{_dataDir}/data"))
        {
            RunAsOwner("pg_ctl", $"-D {_dataDir}/data -w -t 60 -m {(immediate ? "immediate" : "fast")} stop", mayFail: immediate);
        }
    }

    public bool OwnsServer => _dataDir is not null;

    private void RunAsOwner(string tool, string arguments, bool mayFail = false)
    {
        // PostgreSQL refuses to run as root; CI runs as root, so the server runs as the postgres user there.
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            Process.Start("chown", $"-R postgres {_dataDir}")!.WaitForExit();
        }

        var start = asRoot
            ? new ProcessStartInfo("runuser", $"-u postgres -- {_binDir}/{tool} {arguments}")
            : new ProcessStartInfo($"{_binDir}/{tool}", arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 && !mayFail)
        {
            throw new InvalidOperationException($"{tool} failed ({process.ExitCode}): {error}{output.Result}");
        }
    }

    /// <summary>
    /// Memory rather than disk where there is room: a fresh CI machine's disk can stall writes for seconds, and the
    /// tests create a database per test class. Nothing here needs to outlive the run.
    /// </summary>
    private static string DataRoot()
    {
        try
        {
            var shm = new DriveInfo("/dev/shm");
            if (shm.IsReady && shm.AvailableFreeSpace > 4L << 30)
            {
                return shm.RootDirectory.FullName;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
        }

        return Path.GetTempPath();
    }

    /// <summary>
    /// The test host may be killed before its exit handler has deleted a server's folder. Folders of servers that
    /// stopped (no postmaster.pid) a while ago are removed by the next run; a running or just-created one is left.
    /// </summary>
    private static void SweepStopped(string root)
    {
        foreach (var dir in Directory.EnumerateDirectories(root, "drsbot-pg-*"))
        {
            try
            {
                if (!File.Exists($"{dir}/data/postmaster.pid") && Directory.GetLastWriteTimeUtc(dir) < DateTime.UtcNow.AddMinutes(-10))
                {
                    Directory.Delete(dir, recursive: true);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    private static string? FindBinDir()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin"))
            : [];
        return candidates.Append("/usr/local/bin").Append("/usr/bin")
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
