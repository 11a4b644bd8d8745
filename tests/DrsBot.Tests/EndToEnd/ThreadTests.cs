using DrsBot.Tests.Deployment;
using DrsBot.Tests.Fakes;
using DrsBot.Watching;
using Microsoft.Extensions.DependencyInjection;

namespace DrsBot.Tests.EndToEnd;

/// <summary>One living thread per watched comparison per channel: a parent kept current, notifications inside.</summary>
public sealed class ThreadTests : EndToEndTest
{
    private const string Ops = "C0OPS";

    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Watch:ThreadUpdateMinInterval"] = "00:00:00", // every change shows at once here; the throttle has its own test
    };

    private Task<bool> PollAsync() => App.Services.GetRequiredService<PollDispatcher>().PollNowAsync(new ComparisonRef("job-1", "cmp-1"));

    [Fact]
    public async Task Notifications_go_into_one_thread_under_a_parent_that_shows_the_latest_state()
    {
        Drs.Script("job-1", "cmp-1",
            DrsAnswer.Progress(full: 40, delay: 12), DrsAnswer.Progress(full: 100, delay: 12), DrsAnswer.Progress(full: 100, delay: 0), DrsAnswer.Progress(full: 100, delay: 0));
        await App.CommandAsync("subscribe job-1 cmp-1 <!here>", channel: Ops);

        await PollAsync(); // complete: parent, then the notification in its thread, also shown in the channel
        await PollAsync(); // caught up: a reply in the same thread, not broadcast; the parent is updated

        var parent = Assert.Single(Slack.Parents(Ops));
        Assert.Null(parent.ThreadTs);
        Assert.DoesNotContain("<!here>", parent.Body.ToString(), StringComparison.Ordinal); // the parent pings nobody
        var notifications = Slack.InChannel(Ops);
        Assert.Equal(2, notifications.Count);
        Assert.All(notifications, n => Assert.Equal(parent.Ts, n.ThreadTs));
        Assert.Contains("Full comparison complete", notifications[0].Text, StringComparison.Ordinal);
        Assert.True(notifications[0].ReplyBroadcast);
        Assert.Contains("caught up", notifications[1].Text, StringComparison.Ordinal);
        Assert.False(notifications[1].ReplyBroadcast);

        var update = Slack.Updates(Ops).Last();
        Assert.Equal(parent.Ts, update.Ts);
        Assert.Contains("caught up", update.AllText, StringComparison.Ordinal);

        await PollAsync(); // nothing changed: no update
        Assert.Single(Slack.Updates(Ops));
    }

    [Fact]
    public async Task An_alert_is_broadcast_to_the_channel_with_its_mentions()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 50), DrsAnswer.Progress(full: 60, fullRecheck: 3));
        await App.CommandAsync("subscribe job-1 cmp-1 <@U0ONCALL|oncall>", channel: Ops);

        await PollAsync();

        var alert = Assert.Single(Slack.InChannel(Ops));
        Assert.True(alert.ReplyBroadcast);
        Assert.Equal(Assert.Single(Slack.Parents(Ops)).Ts, alert.ThreadTs);
        Assert.StartsWith("<@U0ONCALL|oncall>", alert.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_parent_is_replaced_by_a_new_one()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 90, delay: 5), DrsAnswer.Progress(full: 100, delay: 5), DrsAnswer.Progress(full: 100, delay: 0));
        await App.CommandAsync("subscribe job-1 cmp-1", channel: Ops);
        await PollAsync();
        var first = Assert.Single(Slack.Parents(Ops));

        Slack.Delete(first.Ts!); // someone deleted the parent in Slack
        await PollAsync();       // caught up: the update finds it gone, a new parent starts, the reply goes under it

        var parents = Slack.Parents(Ops);
        Assert.Equal(2, parents.Count);
        var caughtUp = Slack.InChannel(Ops).Last();
        Assert.Contains("caught up", caughtUp.Text, StringComparison.Ordinal);
        Assert.Equal(parents[1].Ts, caughtUp.ThreadTs);
    }

    [Fact]
    public async Task No_thread_keeps_every_notification_a_plain_channel_message()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 90), DrsAnswer.Progress(full: 100));
        await App.CommandAsync("subscribe job-1 cmp-1 --no-thread", channel: Ops);

        await PollAsync();

        Assert.Empty(Slack.Parents(Ops));
        var message = Assert.Single(Slack.InChannel(Ops));
        Assert.Null(message.ThreadTs);
        Assert.False(message.ReplyBroadcast);
    }
}

/// <summary>The parent is updated at most once per Watch:ThreadUpdateMinInterval, however often its state changes.</summary>
public sealed class ThreadThrottleTests : EndToEndTest
{
    [Fact]
    public async Task A_parent_is_not_updated_more_often_than_the_minimum_interval()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 90), DrsAnswer.Progress(full: 100), DrsAnswer.Progress(full: 95), DrsAnswer.Progress(full: 97));
        await App.CommandAsync("subscribe job-1 cmp-1", channel: "C0OPS");
        var poll = () => App.Services.GetRequiredService<PollDispatcher>().PollNowAsync(new ComparisonRef("job-1", "cmp-1"));

        await poll(); // complete: the parent is posted showing 100 %
        await poll(); // 95 %: changed, but the parent is less than a minute old
        await poll(); // 97 %

        Assert.Single(Slack.Parents("C0OPS"));
        Assert.Empty(Slack.Updates("C0OPS"));
    }
}

/// <summary>A comparison that stops moving pages the on-call engineer once, in its thread and in the channel.</summary>
public sealed class StallTests : EndToEndTest
{
    [Fact]
    public async Task Progress_stuck_for_the_stall_time_is_one_alert_with_mentions()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new DrsBotApp(Drs, Slack, new Dictionary<string, string?> { ["Watch:StallAfter"] = "00:05:00" })
        {
            ConfigureTestServices = s => s.AddSingleton<TimeProvider>(clock),
        };
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40));
        await app.CommandAsync("subscribe job-1 cmp-1 <@U0ONCALL|oncall>", channel: "C0OPS");
        var poll = () => app.Services.GetRequiredService<PollDispatcher>().PollNowAsync(new ComparisonRef("job-1", "cmp-1"));

        for (var minute = 0; minute <= 12; minute += 2)
        {
            await poll();
            clock.Advance(TimeSpan.FromMinutes(2));
        }

        var alert = Assert.Single(Slack.InChannel("C0OPS"));
        Assert.StartsWith("<@U0ONCALL|oncall> No progress", alert.Text, StringComparison.Ordinal);
        Assert.Contains("stayed at 40 %", alert.AllText, StringComparison.Ordinal);
        Assert.True(alert.ReplyBroadcast);
    }
}
