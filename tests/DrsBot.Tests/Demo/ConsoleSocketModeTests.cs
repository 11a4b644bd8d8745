using DrsBot.Tests.Fakes;

namespace DrsBot.Tests.Demo;

/// <summary>
/// Issue 34: the local console keeps working in Socket Mode. The bot holds its connections to (fake) Slack, and the
/// console still reaches it over its loopback HTTP endpoints, signed as Slack would sign them.
/// </summary>
public sealed class ConsoleSocketModeTests : IAsyncLifetime
{
    private readonly FakeSlack _slack = new();
    private DemoApp _app = null!;

    public async Task InitializeAsync()
    {
        await _slack.StartAsync();
        _app = new DemoApp(settings: new Dictionary<string, string>
        {
            ["Slack:Mode"] = "Socket",
            ["Slack:AppToken"] = FakeSocketMode.AppToken,
            ["Slack:ApiBaseUrl"] = _slack.ApiBaseUrl.ToString(),
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _slack.DisposeAsync();
    }

    [Fact]
    public async Task A_console_command_is_answered_while_the_bot_holds_its_socket_mode_connections()
    {
        await _slack.Socket.WaitForConnectionsAsync(2);

        await _app.SendAsync("demo-job full-cmp");

        var reply = await _app.WaitForEntryAsync(e => DemoApp.Kind(e) == "ephemeral", TimeSpan.FromSeconds(10));
        Assert.Contains("comparison full-cmp", DemoApp.Text(reply), StringComparison.Ordinal);
        Assert.All(_slack.Socket.Opens, rightToken => Assert.True(rightToken));
        Assert.Equal(2, _slack.Socket.OpenConnections);
    }
}
