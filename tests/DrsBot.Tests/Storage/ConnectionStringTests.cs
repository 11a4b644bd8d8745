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
        var result = new NpgsqlConnectionStringBuilder(StorageServiceCollectionExtensions.WithDefaults(given));

        Assert.Equal(connect, result.Timeout);
        Assert.Equal(command, result.CommandTimeout);
        Assert.Equal("drsbot", result.ApplicationName);
    }
}
