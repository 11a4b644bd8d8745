using DrsBot.Tests.Fakes;

namespace DrsBot.Tests.EndToEnd;

/// <summary>
/// Issue 29, defect 7: no lease is held by a replica that is not polling it. A lease left behind keeps every replica
/// off the comparison for Watch:PollLease (two minutes by default), so a completion or an alert waits that long.
/// </summary>
public sealed class LeaseTests : EndToEndTest
{
    private FlakyStore _store = null!;

    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Watch:PollInterval"] = "00:00:05",
        ["Watch:PollLease"] = "00:02:00",
    };

    public override async Task InitializeAsync()
    {
        await Drs.StartAsync();
        await Slack.StartAsync();
        App = new DrsBotApp(Drs, Slack, Overrides) { ConfigureTestServices = services => _store = FlakyStore.Wrap(services) };
        _ = App.Server;
    }

    [Fact]
    public async Task A_release_that_fails_once_does_not_leave_the_comparison_unpolled_for_a_whole_lease()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 10));
        await App.CommandAsync("subscribe job-1 cmp-1", channel: "C0OPS");
        _store.FailNext("ReleaseAsync"); // a database blip (or a full pool) just as the first poll lets go

        // Subscribing read DRS once; then one poll every 5 s. Three more reads well within a two-minute lease.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (Drs.CallsFor("job-1", "cmp-1") < 4)
        {
            Assert.True(DateTime.UtcNow < deadline, $"polled {Drs.CallsFor("job-1", "cmp-1") - 1} times in 30 s; the lease was kept after a failed release");
            await Task.Delay(100);
        }

        Assert.Contains("ReleaseAsync", _store.Calls);
    }
}
