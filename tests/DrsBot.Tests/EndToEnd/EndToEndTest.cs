using DrsBot.Tests.Fakes;

namespace DrsBot.Tests.EndToEnd;

/// <summary>Each test gets fresh loopback fakes of DRS and Slack and a DrsBot wired to them.</summary>
public abstract class EndToEndTest : IAsyncLifetime
{
    protected FakeDrs Drs { get; } = new();

    protected FakeSlack Slack { get; } = new();

    protected DrsBotApp App { get; set; } = null!;

    /// <summary>Settings on top of <see cref="DrsBotApp.Settings"/>.</summary>
    protected virtual IDictionary<string, string?> Overrides => new Dictionary<string, string?>();

    public virtual async Task InitializeAsync()
    {
        await Drs.StartAsync();
        await Slack.StartAsync();
        App = new DrsBotApp(Drs, Slack, Overrides);
        _ = App.Server; // start the host now, so start-up failures surface here
    }

    public virtual async Task DisposeAsync()
    {
        Assert.Empty(Slack.InvalidMessages); // nothing DrsBot sent would have been refused by Slack
        await App.DisposeAsync();
        await Drs.DisposeAsync();
        await Slack.DisposeAsync();
    }
}
