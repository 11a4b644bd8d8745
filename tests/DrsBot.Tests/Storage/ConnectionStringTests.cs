using DrsBot.Storage;
using Npgsql;

namespace DrsBot.Tests.Storage;

public sealed class ConnectionStringTests
{
    [Theory]
    [InlineData("Host=db;Database=drsbot", 3, 10)]
    [InlineData("Host=db;Database=drsbot;Command Timeout=30", 3, 30)]   // not mistaken for the connect timeout
    [InlineData("Host=db;Database=drsbot;Timeout=7", 7, 10)]
    [InlineData("Host=db;Database=drsbot;timeout=7;CommandTimeout=5", 7, 5)]
    public void Short_timeouts_by_default_and_the_operators_own_when_given(string given, int connect, int command)
    {
        var result = new NpgsqlConnectionStringBuilder(StorageServiceCollectionExtensions.WithDefaults(given, 20));

        Assert.Equal(connect, result.Timeout);
        Assert.Equal(command, result.CommandTimeout);
        Assert.Equal("drsbot", result.ApplicationName);
    }

    [Theory]
    [InlineData("Host=db;Database=drsbot", 20)]
    [InlineData("Host=db;Database=drsbot;Maximum Pool Size=50", 50)]
    [InlineData("Host=db;Database=drsbot;MaxPoolSize=7", 7)]
    public void Pools_fit_three_replicas_in_postgresqls_default_100_connections_unless_the_operator_says_otherwise(string given, int pool)
    {
        Assert.Equal(pool, new NpgsqlConnectionStringBuilder(StorageServiceCollectionExtensions.WithDefaults(given, 20)).MaxPoolSize);

        // The formula the README gives: replicas during a rollout x (watch pool + Hangfire pool) <= 100 - 3 reserved.
        Assert.True(3 * (StorageServiceCollectionExtensions.WatchPoolSize + StorageServiceCollectionExtensions.HangfirePoolSize) <= 97);
    }
}
