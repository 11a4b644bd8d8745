using DrsBot.Tests.Deployment;
using DrsBot.Tests.Fakes;
using DrsBot.Tests.Services;

namespace DrsBot.Tests.EndToEnd;

/// <summary>Real DrsBot processes on one PostgreSQL database: a crash mid-delivery, and two replicas at once.</summary>
[Trait("Category", "Slow")] // real DrsBot processes on a real PostgreSQL server
public sealed class PostgreSqlProcessTests : IAsyncLifetime
{
    private const string Ops = "C0OPS";
    private const string Dba = "C0DBA";
    private readonly FakeDrs _drs = new();
    private readonly FakeSlack _slack = new();
    private readonly List<BotProcess> _bots = [];

    public async Task InitializeAsync()
    {
        await _drs.StartAsync();
        await _slack.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var bot in _bots)
        {
            await bot.DisposeAsync();
        }

        await _drs.DisposeAsync();
        await _slack.DisposeAsync();
    }

    private async Task<BotProcess> StartAsync(string database)
    {
        var bot = await BotProcess.StartAsync(BotProcess.Settings(_drs,
            ("Slack:ApiBaseUrl", _slack.ApiBaseUrl.ToString()),
            ("Watch:PollInterval", "00:00:05"),
            ("Watch:PollLease", "00:00:10"),
            ("Hangfire:Storage", "PostgreSql"),
            ("ConnectionStrings:Hangfire", database)));
        _bots.Add(bot);
        return bot;
    }

    /// <summary>
    /// Waits until the scheduled polls have read cmp-1 <paramref name="polls"/> more times, all the way through: one
    /// more DRS call is awaited too, because a poll starts only once the one before let go of its lease, after its
    /// delivery. Whatever those polls would post has then been posted.
    /// </summary>
    private Task ScheduledPollsAsync(int polls) =>
        _drs.WaitForCallsAsync("job-1", "cmp-1", _drs.CallsFor("job-1", "cmp-1") + polls + 1, TimeSpan.FromSeconds(40));

    /// <summary>Waits until <paramref name="channel"/>'s list shows its subscription: the subscribe's work is done.</summary>
    private static async Task SubscribedAsync(BotProcess bot, string channel)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            if ((await bot.CommandAsync("list", channel)).GetProperty("text").GetString()!.Contains("1 comparison", StringComparison.Ordinal))
            {
                return;
            }
        }

        throw new TimeoutException($"{channel} never showed its subscription.");
    }

    [PostgresFact]
    public async Task A_notification_queued_when_the_process_was_killed_is_posted_once_by_the_next_one()
    {
        var database = PostgresServer.Instance.CreateDatabase();
        _drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 90), DrsAnswer.Progress(full: 100));
        _slack.Down = true;
        var first = await StartAsync(database);
        await first.CommandAsync("subscribe job-1 cmp-1", Ops);

        // Let it poll, decide "complete" and fail to post it at least once, then kill it without warning.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (_slack.PostAttempts == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(_slack.PostAttempts > 0, first.Output);
        first.Kill();
        _slack.Down = false;

        var second = await StartAsync(database);
        // A new process on a busy machine: its start, the killed one's lease (10 s) and the next slot come first.
        var message = await _slack.WaitForAsync(m => m.Channel == Ops && !m.IsThreadParent, TimeSpan.FromSeconds(90));
        Assert.Contains("Full comparison complete", message.Text, StringComparison.Ordinal);
        await ScheduledPollsAsync(2); // more polls, on the schedule, reading 100 again
        Assert.Single(_slack.InChannel(Ops));
        Assert.Contains("1 comparison", (await second.CommandAsync("list", Ops)).GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Two_replicas_post_each_notification_once_per_channel()
    {
        var database = PostgresServer.Instance.CreateDatabase();
        // 90 % until both channels have subscribed, whatever the scheduled polls read meanwhile; then 95 %, then 100 %.
        _drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 90));
        var one = await StartAsync(database);
        var two = await StartAsync(database);

        await one.CommandAsync("subscribe job-1 cmp-1", Ops);
        await two.CommandAsync("subscribe job-1 cmp-1", Dba);
        // On a busy machine a subscribe can answer "Checking…" and finish after: both must have read their 90 % first.
        await SubscribedAsync(one, Ops);
        await SubscribedAsync(two, Dba);
        _drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 95), DrsAnswer.Progress(full: 100));

        await _slack.WaitForAsync(m => m.Channel == Ops && !m.IsThreadParent, TimeSpan.FromSeconds(40));
        await _slack.WaitForAsync(m => m.Channel == Dba && !m.IsThreadParent, TimeSpan.FromSeconds(40));
        await ScheduledPollsAsync(2);

        Assert.Single(_slack.InChannel(Ops));
        Assert.Single(_slack.InChannel(Dba));
        var polls = _drs.CallsFor("job-1", "cmp-1") - 2;
        Assert.InRange(polls, 3, 10); // about one per 5 s between both replicas, not one each
    }
}
