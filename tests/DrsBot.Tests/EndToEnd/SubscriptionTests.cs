using DrsBot.Slack;
using DrsBot.Tests.Deployment;
using DrsBot.Tests.Fakes;
using DrsBot.Watching;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace DrsBot.Tests.EndToEnd;

public sealed class SubscriptionTests : EndToEndTest
{
    private const string Job = "job-1";
    private const string Compare = "cmp-1";
    private const string Ops = "C0OPS";
    private const string Dba = "C0DBA";
    private const string Mentions = "<@U024BE7LH|alice> <!subteam^SAZ94GDB8|@db-oncall>";

    /// <summary>Polls now, due or not, exactly as a scheduled poll would: under the comparison's lease.</summary>
    private Task PollAsync(string job = Job, string compare = Compare) =>
        App.Services.GetRequiredService<PollDispatcher>().PollNowAsync(new ComparisonRef(job, compare));

    private IWatchStore Store => App.Services.GetRequiredService<IWatchStore>();

    /// <summary>Whether the comparison has a next poll time, i.e. is being polled at all.</summary>
    private bool IsPolled(string job = Job, string compare = Compare) =>
        Store.NextPollAsync(new ComparisonRef(job, compare)).Result is not null;

    private IReadOnlyList<Subscription> SubscriptionsOf(string job = Job, string compare = Compare) =>
        Store.GetAsync(new ComparisonRef(job, compare)).Result?.Subscriptions ?? [];

    private IReadOnlyList<string> Headlines(string channel) =>
        [.. Slack.InChannel(channel).Select(m => m.Text)];

    [Fact]
    public async Task Two_channels_one_comparison_40_80_100_one_drs_call_per_poll_one_complete_per_channel()
    {
        Drs.Script(Job, Compare, DrsAnswer.Progress(full: 40), DrsAnswer.Progress(full: 40), DrsAnswer.Progress(full: 80), DrsAnswer.Progress(full: 100));

        var ops = await App.CommandAsync($"subscribe {Job} {Compare}", channel: Ops);
        var dba = await App.CommandAsync($"subscribe {Job} {Compare}", channel: Dba);
        Assert.Equal("in_channel", ops.ResponseType);
        Assert.Contains("subscribed this channel", ops.AllText, StringComparison.Ordinal);
        Assert.Contains("40 %", dba.AllText, StringComparison.Ordinal);
        Assert.Equal(2, Drs.CallsFor(Job, Compare));

        for (var poll = 1; poll <= 4; poll++)
        {
            await PollAsync();
            Assert.Equal(2 + poll, Drs.CallsFor(Job, Compare));
        }

        foreach (var channel in new[] { Ops, Dba })
        {
            var message = Assert.Single(Slack.InChannel(channel));
            Assert.Contains("Full comparison complete", message.Text, StringComparison.Ordinal);
            Assert.Contains("reached 100 %", message.AllText, StringComparison.Ordinal);
            Assert.Equal($"Bearer {DrsBotApp.BotToken}", message.Authorization);
            Assert.True(message.Body.TryGetProperty("blocks", out _));
        }

        Assert.True(IsPolled());
    }

    [Fact]
    public async Task Delay_12_then_0_posts_one_caught_up()
    {
        Drs.Script(Job, Compare, DrsAnswer.Progress(delay: 12), DrsAnswer.Progress(delay: 12), DrsAnswer.Progress(delay: 0));
        await App.CommandAsync($"subscribe {Job} {Compare}", channel: Ops);

        await PollAsync();
        await PollAsync();
        await PollAsync();

        var message = Assert.Single(Slack.InChannel(Ops));
        Assert.Contains("caught up", message.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recheck_rows_0_then_3_alert_once_with_the_mentions()
    {
        Drs.Script(Job, Compare, DrsAnswer.Progress(full: 50), DrsAnswer.Progress(full: 60, fullRecheck: 3));
        var reply = await App.CommandAsync($"subscribe {Job} {Compare} {Mentions}", channel: Ops);
        Assert.DoesNotContain("<@U024BE7LH|alice>", reply.AllText, StringComparison.Ordinal); // said, not pinged
        Assert.Contains("Alerts will mention 1 person and 1 group.", reply.AllText, StringComparison.Ordinal);

        await PollAsync();
        await PollAsync();

        var alert = Assert.Single(Slack.InChannel(Ops));
        Assert.StartsWith("<@U024BE7LH|alice> <!subteam^SAZ94GDB8|@db-oncall>", alert.Text, StringComparison.Ordinal);
        Assert.Contains("3 rows need recheck", alert.AllText, StringComparison.Ordinal);
        Assert.Contains("<!subteam^SAZ94GDB8|@db-oncall>", alert.Body.GetProperty("blocks")[0].GetProperty("text").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Slack_429_with_retry_after_then_ok_delivers_exactly_once()
    {
        Drs.Script(Job, Compare, DrsAnswer.Progress(full: 90), DrsAnswer.Progress(full: 100));
        await App.CommandAsync($"subscribe {Job} {Compare} --no-thread", channel: Ops);
        Slack.RateLimitNext(retryAfterSeconds: 1);

        var started = DateTime.UtcNow;
        await PollAsync();
        await PollAsync();
        await PollAsync();

        Assert.Single(Slack.InChannel(Ops));
        Assert.Equal(2, Slack.PostAttempts);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(0.9), "the retry honoured Retry-After");
    }

    [Fact]
    public async Task Slack_down_for_a_poll_delivers_on_the_next_one_exactly_once()
    {
        Drs.Script(Job, Compare, DrsAnswer.Progress(full: 90), DrsAnswer.Progress(full: 100));
        await App.CommandAsync($"subscribe {Job} {Compare}", channel: Ops);
        Slack.DownForPosts(1);

        await PollAsync();
        Assert.Empty(Slack.InChannel(Ops));
        Assert.Contains(SubscriptionsOf(), s => s.Pending.Count == 1);

        await PollAsync();
        await PollAsync();
        var message = Assert.Single(Slack.InChannel(Ops));
        Assert.Contains("Full comparison complete", message.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsubscribe_stops_that_channel_only_and_the_last_one_removes_the_job()
    {
        Drs.Script(Job, Compare, DrsAnswer.Progress(full: 40), DrsAnswer.Progress(full: 40), DrsAnswer.Progress(full: 100));
        await App.CommandAsync($"subscribe {Job} {Compare}", channel: Ops);
        await App.CommandAsync($"subscribe {Job} {Compare}", channel: Dba);

        var bye = await App.CommandAsync($"unsubscribe {Job} {Compare}", channel: Dba);
        Assert.Contains("unsubscribed this channel", bye.AllText, StringComparison.Ordinal);
        await PollAsync();

        Assert.Single(Slack.InChannel(Ops));
        Assert.Empty(Slack.InChannel(Dba));
        Assert.True(IsPolled());

        await App.CommandAsync($"unsubscribe {Job} {Compare}", channel: Ops);
        Assert.False(IsPolled());
        var calls = Drs.CallsFor(Job, Compare);
        await PollAsync(); // a straggling run after removal
        Assert.Equal(calls, Drs.CallsFor(Job, Compare));

        var again = await App.CommandAsync($"unsubscribe {Job} {Compare}", channel: Ops);
        Assert.Contains("not subscribed", again.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_shows_what_this_channel_watches_with_its_last_state()
    {
        Drs.Script(Job, Compare, DrsAnswer.Progress(full: 40, delay: 7));
        Drs.Script("job-2", "cmp-2", DrsAnswer.Progress(full: 10));
        Assert.Contains("watches no comparisons", (await App.CommandAsync("list", channel: Ops)).Text, StringComparison.Ordinal);

        await App.CommandAsync($"subscribe {Job} {Compare} <!here>", channel: Ops);
        await App.CommandAsync("subscribe job-2 cmp-2", channel: Dba);

        var list = await App.CommandAsync("list", channel: Ops);
        Assert.Equal("ephemeral", list.ResponseType);
        Assert.Contains("1 comparison", list.Text, StringComparison.Ordinal);
        Assert.Contains(Compare, list.AllText, StringComparison.Ordinal);
        Assert.Contains("full 40 %", list.AllText, StringComparison.Ordinal);
        Assert.Contains("incremental 7 s behind", list.AllText, StringComparison.Ordinal);
        Assert.Contains("<!here>", list.AllText, StringComparison.Ordinal);
        Assert.Contains("read <!date^", list.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("cmp-2", list.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscribing_twice_is_idempotent_and_updates_mentions()
    {
        Drs.Script(Job, Compare, DrsAnswer.Progress(full: 40), DrsAnswer.Progress(full: 40), DrsAnswer.Progress(full: 60, fullRecheck: 2));
        await App.CommandAsync($"subscribe {Job} {Compare} <@U0AAA|a>", channel: Ops);
        var second = await App.CommandAsync($"subscribe {Job} {Compare} <@U0BBB|b>", channel: Ops);
        Assert.Contains("updated this channel's subscription", second.AllText, StringComparison.Ordinal);

        var subscription = Assert.Single(SubscriptionsOf());
        Assert.Equal(["<@U0BBB|b>"], subscription.Mentions.ToArray());
        Assert.True(IsPolled());

        await PollAsync();
        var alert = Assert.Single(Slack.InChannel(Ops));
        Assert.StartsWith("<@U0BBB|b>", alert.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscribing_to_a_comparison_drs_does_not_know_is_refused()
    {
        var reply = await App.CommandAsync("subscribe job-x cmp-x", channel: Ops);

        Assert.StartsWith("Not subscribed", reply.Text, StringComparison.Ordinal);
        Assert.Contains("DRS.10000010", reply.AllText, StringComparison.Ordinal);
        Assert.False(IsPolled("job-x", "cmp-x"));
    }

    [Fact]
    public async Task A_channel_slack_will_not_post_to_is_paused_and_list_says_why()
    {
        Drs.Script(Job, Compare, DrsAnswer.Progress(full: 90), DrsAnswer.Progress(full: 100), DrsAnswer.Progress(full: 5), DrsAnswer.Progress(full: 100));
        await App.CommandAsync($"subscribe {Job} {Compare}", channel: Ops);
        Slack.FailNext("not_in_channel");

        await PollAsync();
        Assert.Empty(Slack.InChannel(Ops));
        var list = await App.CommandAsync("list", channel: Ops);
        Assert.Contains("not_in_channel", list.AllText, StringComparison.Ordinal);
        Assert.Contains("Invite DrsBot", list.AllText, StringComparison.Ordinal);

        await PollAsync(); // paused: nothing is posted, and with no active channel nothing is polled
        Assert.Empty(Slack.InChannel(Ops));
        Assert.False(IsPolled());

        await App.CommandAsync($"subscribe {Job} {Compare}", channel: Ops); // fixed, resubscribed (reads 100)
        Assert.True(IsPolled());
        Assert.DoesNotContain("not_in_channel", (await App.CommandAsync("list", channel: Ops)).AllText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("invalid_blocks", "text only")]
    [InlineData("msg_too_long", "text only")]
    [InlineData("is_archived", "paused")]
    [InlineData("channel_not_found", "paused")]
    [InlineData("invalid_auth", "halted")]
    [InlineData("token_revoked", "halted")]
    [InlineData("missing_scope", "halted")]
    [InlineData("ratelimited", "next poll")]
    [InlineData("internal_error", "next poll")]
    public async Task Each_slack_error_leads_to_the_right_outcome(string error, string outcome)
    {
        Drs.Script(Job, Compare, DrsAnswer.Progress(full: 90), DrsAnswer.Progress(full: 100));
        await App.CommandAsync($"subscribe {Job} {Compare} --no-thread", channel: Ops);
        Slack.FailNext(error);

        await PollAsync();
        await PollAsync();

        var subscription = SubscriptionsOf().Single(s => s.ChannelId == Ops);
        switch (outcome)
        {
            case "text only":
                var message = Assert.Single(Slack.InChannel(Ops));
                Assert.False(message.Body.TryGetProperty("blocks", out _));
                Assert.Contains("Full comparison complete", message.Text, StringComparison.Ordinal);
                break;
            case "paused":
                Assert.Empty(Slack.InChannel(Ops));
                Assert.Equal(error, subscription.PausedReason);
                Assert.Empty(subscription.Pending);
                break;
            case "halted":
                // No retry fixes a revoked token: one attempt, then nothing until the settings change; still queued.
                Assert.Empty(Slack.InChannel(Ops));
                Assert.Equal(1, Slack.PostAttempts);
                Assert.Single(subscription.Pending);
                break;
            default:
                Assert.Single(Slack.InChannel(Ops)); // kept, then delivered once on the next poll
                Assert.Null(subscription.PausedReason);
                Assert.Empty(subscription.Pending);
                break;
        }
    }

    [Fact]
    public async Task Drs_failing_alerts_once_then_says_recovered_once()
    {
        // Rejected credentials are not retried, so each poll is exactly one failed call.
        var rejected = new DrsAnswer(401, """{"error_code":"APIG.0301","error_msg":"Incorrect IAM authentication information"}""",
            Headers: new Dictionary<string, string> { ["X-Request-Id"] = "req-401" });
        Drs.Script(Job, Compare, DrsAnswer.Progress(full: 50), rejected, rejected, rejected, rejected, DrsAnswer.Progress(full: 55));
        await App.CommandAsync($"subscribe {Job} {Compare} <!channel>", channel: Ops);

        for (var i = 0; i < 4; i++)
        {
            await PollAsync();
        }

        var alert = Assert.Single(Slack.InChannel(Ops));
        Assert.StartsWith("<!channel> DrsBot's Huawei Cloud credentials were refused", alert.Text, StringComparison.Ordinal);
        Assert.Contains("Whoever runs DrsBot must fix `Drs:Auth`", alert.AllText, StringComparison.Ordinal);
        Assert.Contains("req-401", alert.AllText, StringComparison.Ordinal);
        Assert.Contains("APIG.0301", alert.AllText, StringComparison.Ordinal);

        await PollAsync();
        await PollAsync();
        Assert.Equal(["<!channel> DrsBot's Huawei Cloud credentials were refused: comparison cmp-1", "DRS is answering again: comparison cmp-1"], Headlines(Ops));
    }

    [Fact]
    public async Task Two_polls_of_one_comparison_at_once_make_one_drs_call()
    {
        Drs.Script(Job, Compare, DrsAnswer.Progress(full: 40), DrsAnswer.Progress(full: 100) with { Delay = TimeSpan.FromSeconds(1) });
        await App.CommandAsync($"subscribe {Job} {Compare}", channel: Ops);

        await Task.WhenAll(PollAsync(), PollAsync(), PollAsync());

        Assert.Equal(2, Drs.CallsFor(Job, Compare)); // the subscribe check, then one poll
        Assert.Single(Slack.InChannel(Ops));
    }

    [Fact]
    public async Task Subscribing_does_not_wait_for_a_poll_stuck_on_slow_drs()
    {
        Drs.Script(Job, Compare, DrsAnswer.Progress(full: 40), DrsAnswer.Progress(full: 50) with { Delay = TimeSpan.FromSeconds(4) }, DrsAnswer.Progress(full: 60));
        await App.CommandAsync($"subscribe {Job} {Compare}", channel: Ops);
        var poll = PollAsync();
        await Drs.WaitForCallsAsync(Job, Compare, 2); // the poll is now waiting on DRS

        var started = DateTime.UtcNow;
        var reply = await App.CommandAsync($"subscribe {Job} {Compare}", channel: Dba);
        var unsubscribed = await App.CommandAsync($"unsubscribe {Job} {Compare}", channel: Ops);

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(2), $"took {DateTime.UtcNow - started}");
        Assert.Contains("60 %", reply.AllText, StringComparison.Ordinal);
        Assert.Contains("unsubscribed this channel", unsubscribed.AllText, StringComparison.Ordinal);
        await poll;
        var remaining = Assert.Single(SubscriptionsOf());
        Assert.Equal(Dba, remaining.ChannelId); // the poll's write did not bring the unsubscribed channel back
    }

    [Fact]
    public async Task Racing_subscribes_unsubscribes_and_polls_leave_a_job_exactly_when_someone_listens()
    {
        Drs.Script(Job, Compare, DrsAnswer.Progress(full: 40) with { Delay = TimeSpan.FromMilliseconds(20) });
        var channels = Enumerable.Range(0, 12).Select(i => $"C0RACE{i:00}").ToArray();

        var work = new List<Task>();
        foreach (var channel in channels)
        {
            work.Add(App.CommandAsync($"subscribe {Job} {Compare}", channel: channel));
            work.Add(PollAsync());
        }

        await Task.WhenAll(work);
        work.Clear();
        foreach (var channel in channels.Where((_, i) => i % 3 != 0))
        {
            work.Add(App.CommandAsync($"unsubscribe {Job} {Compare}", channel: channel));
            work.Add(PollAsync());
        }

        await Task.WhenAll(work);

        var left = SubscriptionsOf().Select(s => s.ChannelId).Order().ToArray();
        Assert.Equal(channels.Where((_, i) => i % 3 == 0).ToArray(), left);
        Assert.True(IsPolled());

        work.Clear();
        foreach (var channel in left)
        {
            work.Add(App.CommandAsync($"unsubscribe {Job} {Compare}", channel: channel));
            work.Add(PollAsync());
        }

        await Task.WhenAll(work);
        Assert.Empty(SubscriptionsOf());
        Assert.Empty(await Store.WatchesAsync());
        Assert.False(IsPolled());
        Assert.Empty(Slack.Messages); // 40 % throughout: nothing to say
    }

    [Fact]
    public async Task A_comparison_that_disappears_is_announced_and_unwatched()
    {
        Drs.Script(Job, Compare, DrsAnswer.Progress(full: 50), DrsAnswer.NotFound());
        await App.CommandAsync($"subscribe {Job} {Compare}", channel: Ops);

        await PollAsync();
        Assert.Empty(Slack.InChannel(Ops));
        await PollAsync();

        var message = Assert.Single(Slack.InChannel(Ops));
        Assert.Contains("no longer exists", message.Text, StringComparison.Ordinal);
        Assert.False(IsPolled());
        Assert.Empty(await Store.WatchesAsync());
        Assert.Contains("watches no comparisons", (await App.CommandAsync("list", channel: Ops)).Text, StringComparison.Ordinal);
    }
}

/// <summary>The real Hangfire server runs the poll tick on its schedule, with no test hook involved.</summary>
public sealed class HangfireScheduleTests : EndToEndTest
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Watch:PollInterval"] = "00:00:05",
    };

    [Fact]
    public async Task The_recurring_job_polls_drs_and_notifies_on_its_own()
    {
        Drs.Script("job-h", "cmp-h", DrsAnswer.Progress(full: 90), DrsAnswer.Progress(full: 100));
        await App.CommandAsync("subscribe job-h cmp-h", channel: "C0HANG");

        using (var connection = App.Services.GetRequiredService<JobStorage>().GetConnection())
        {
            var job = Assert.Single(connection.GetRecurringJobs());
            Assert.Equal(PollCycleJob.Id, job.Id);
            Assert.Equal("* * * * * *", job.Cron); // a 5-second interval needs a tick every second
        }

        var message = await Slack.WaitForAsync(m => m.Channel == "C0HANG" && !m.IsThreadParent, TimeSpan.FromSeconds(20));
        Assert.Contains("Full comparison complete", message.Text, StringComparison.Ordinal);
    }
}
