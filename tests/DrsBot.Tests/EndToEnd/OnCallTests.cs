using DrsBot.Features.Digest;
using DrsBot.Tests.Fakes;
using DrsBot.Watching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace DrsBot.Tests.EndToEnd;

/// <summary>
/// Issue 32: the on-call engineer acts from the alert. Which tables differ in the alert's thread, Acknowledge (in place,
/// once, in the thread parent and list), re-alerts when nobody does, and Snooze. Polls run on demand under a fake
/// clock, so nothing here waits for time to pass.
/// </summary>
public sealed class OnCallTests : EndToEndTest
{
    private const string Ops = "C0OPS";
    private const string Dba = "C0DBA";
    private const string OnCall = "<@U0ONCALL|oncall>";
    /// <summary>Progress stands still at 60 % for hours here: without this, "no progress" would be a second alert.</summary>
    private static readonly (string, string) NoStalls = ("Watch:StallAfter", "7.00:00:00");
    private static readonly ComparisonRef Cmp = new("job-1", "cmp-1");
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>();

    private Dictionary<string, string?> _settings = [];

    public override async Task InitializeAsync()
    {
        await Drs.StartAsync();
        await Slack.StartAsync();
        App = NewApp();
    }

    private DrsBotApp NewApp() => new(Drs, Slack, _settings) { ConfigureTestServices = s => s.AddSingleton<TimeProvider>(_clock) };

    /// <summary>Starts over with these settings (the base class's app is replaced before any command).</summary>
    private async Task RestartWithAsync(params (string Key, string Value)[] settings)
    {
        await App.DisposeAsync();
        _settings = settings.ToDictionary(s => s.Key, s => (string?)s.Value);
        App = NewApp();
    }

    private Task PollAsync() => App.Services.GetRequiredService<PollDispatcher>().PollNowAsync(Cmp);

    private WatchRecord Record => App.Services.GetRequiredService<IWatchStore>().GetAsync(Cmp).Result!;

    /// <summary>Subscribes <see cref="Ops"/> with a mention, then polls until the recheck alert is out (rows 0 at subscribe, then 12).</summary>
    private async Task<ReceivedMessage> RecheckAlertAsync(string channel = Ops)
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 50), DrsAnswer.Progress(full: 60, fullRecheck: 12));
        await App.CommandAsync($"subscribe job-1 cmp-1 {OnCall}", channel: channel);
        await PollAsync();
        return Assert.Single(Slack.InChannel(channel));
    }

    [Fact]
    public async Task A_recheck_alert_gets_its_top_five_tables_in_its_thread_with_one_drs_call()
    {
        Drs.ScriptTables("job-1", "cmp-1", FakeTables.Line, true,
            [.. Enumerable.Range(1, 8).Select(i => new FakeTable($"db.t{i}", 100 + i * 10, 100))]);

        var alert = await RecheckAlertAsync();
        Assert.Contains("drs.tables", InteractionTests.ActionIds(alert.Body));
        Assert.Contains("drs.ack", InteractionTests.ActionIds(alert.Body));
        await PollAsync();
        await PollAsync();

        var reply = Assert.Single(Slack.TableReplies(Ops));
        Assert.Equal(alert.ThreadTs, reply.ThreadTs);
        Assert.False(reply.ReplyBroadcast); // the thread only: the alert itself was the page
        Assert.DoesNotContain(OnCall, reply.AllText, StringComparison.Ordinal);
        Assert.Contains("8 tables differ", reply.Text, StringComparison.Ordinal);
        Assert.Contains("db.t8", reply.AllText, StringComparison.Ordinal);
        Assert.Contains("db.t4", reply.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("db.t3", reply.AllText, StringComparison.Ordinal); // five at most: t8 … t4
        Assert.Contains("…and 3 more tables", reply.AllText, StringComparison.Ordinal);
        Assert.Equal(1, Drs.TableCalls("cmp-1")); // one call for the alert, none for the polls after it
    }

    [Fact]
    public async Task A_value_comparisons_alert_reads_its_tables_in_one_call_its_kind_learned_at_subscribe()
    {
        Drs.ScriptJob("job-1", DrsAnswer.JobDetail("job-1", "orders"), DrsAnswer.JobComparisons(1, ("cmp-1", "contents", "INCRE_DOING")));
        Drs.ScriptTables("job-1", "cmp-1", FakeTables.Content, true, new FakeTable("crm.deals", 90, 40), new FakeTable("crm.leads", 5, 5, "CONSISTENT"));

        await RecheckAlertAsync();
        await PollAsync();

        Assert.Equal(TableDifferences.Values, Record.TablesKind);
        var reply = Assert.Single(Slack.TableReplies(Ops));
        Assert.Contains("crm.deals", reply.AllText, StringComparison.Ordinal);
        Assert.Equal(1, Drs.TableCalls("cmp-1")); // the value detail only: no row-count detail asked first
    }

    [Fact]
    public async Task Acknowledge_updates_the_alert_in_place_and_the_parent_and_list_say_who()
    {
        var alert = await RecheckAlertAsync();
        var alertId = AlertId(alert);

        var answer = await App.PressAsync("drs.ack", alertId, channel: Ops, user: "U0BOB", messageTs: alert.Ts);

        Assert.Contains("You're on it", answer.AllText, StringComparison.Ordinal);
        var updated = Assert.Single(Slack.Updates(Ops), u => u.Ts == alert.Ts);
        Assert.Contains($"<@U0BOB> is on it ({_clock.GetUtcNow().UtcDateTime:HH:mm} UTC)", updated.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("drs.ack", InteractionTests.ActionIds(updated.Body)); // nothing left to acknowledge
        Assert.DoesNotContain(OnCall, updated.AllText, StringComparison.Ordinal); // nobody is pinged again
        var parent = Assert.Single(Slack.Updates(Ops), u => u.Ts == alert.ThreadTs);
        Assert.Contains("<@U0BOB> is on it", parent.AllText, StringComparison.Ordinal);
        Assert.Contains("<@U0BOB> is on it", (await App.CommandAsync("list", channel: Ops)).AllText, StringComparison.Ordinal);
        var stored = Assert.Single(Record.Of("T0TEAM", Ops)!.Alerts);
        Assert.Equal(("U0BOB", _clock.GetUtcNow()), (stored.AckBy, stored.AckAt));
    }

    [Fact]
    public async Task Two_presses_at_once_record_one_acknowledgement()
    {
        var alert = await RecheckAlertAsync();
        var alertId = AlertId(alert);

        var answers = await Task.WhenAll(
            App.PressAsync("drs.ack", alertId, channel: Ops, user: "U0BOB"),
            App.PressAsync("drs.ack", alertId, channel: Ops, user: "U0CAROL"));

        var who = Assert.Single(Record.Of("T0TEAM", Ops)!.Alerts).AckBy;
        Assert.Single(answers, a => a.AllText.Contains("You're on it", StringComparison.Ordinal));
        Assert.Single(answers, a => a.AllText.Contains($"<@{who}> is on it", StringComparison.Ordinal) && a.AllText.Contains("acknowledged first", StringComparison.Ordinal));
        Assert.Single(Slack.Updates(Ops), u => u.Ts == alert.Ts); // the alert was updated once
    }

    [Fact]
    public async Task A_press_in_another_channel_acknowledges_nothing()
    {
        var alert = await RecheckAlertAsync();
        await App.CommandAsync("subscribe job-1 cmp-1", channel: Dba);

        var answer = await App.PressAsync("drs.ack", AlertId(alert), channel: Dba, user: "U0MALLORY");

        Assert.Contains("another channel", answer.AllText, StringComparison.Ordinal);
        Assert.All(Record.Subscriptions, s => Assert.All(s.Alerts, a => Assert.Null(a.AckBy)));
        Assert.Empty(Slack.Updates(Ops));
    }

    [Fact]
    public async Task An_acknowledgement_ends_when_the_condition_clears()
    {
        var alert = await RecheckAlertAsync();
        await App.PressAsync("drs.ack", AlertId(alert), channel: Ops, user: "U0BOB");
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 70, fullRecheck: 0));

        for (var i = 0; i < 3; i++)
        {
            await PollAsync(); // three polls at 0 rows re-arm the recheck rule
        }

        Assert.Empty(Record.Of("T0TEAM", Ops)!.Alerts);
        Assert.DoesNotContain("is on it", (await App.CommandAsync("list", channel: Ops)).AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unacknowledged_alerts_are_raised_again_exactly_the_configured_times()
    {
        await RestartWithAsync(("Watch:ReAlertAfter", "00:30:00"), ("Watch:MaxReAlerts", "3"), NoStalls);
        var alert = await RecheckAlertAsync();

        for (var i = 0; i < 12; i++)
        {
            _clock.Advance(TimeSpan.FromMinutes(15));
            await PollAsync(); // the condition holds: 12 rows still to recheck
        }

        var reminders = Slack.InChannel(Ops).Where(m => m.Text.Contains("Still unacknowledged", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, reminders.Count);
        Assert.All(reminders, r =>
        {
            Assert.Equal(alert.ThreadTs, r.ThreadTs);
            Assert.True(r.ReplyBroadcast);
            Assert.StartsWith(OnCall, r.Text, StringComparison.Ordinal); // with its mentions
            Assert.Contains(AlertId(alert), InteractionTests.ActionValues(r.Body)); // its Acknowledge is the alert's
        });
        Assert.Equal(["reminder 1", "reminder 2", "reminder 3"], reminders.Select(r => System.Text.RegularExpressions.Regex.Match(r.Text, "reminder [0-9]").Value));
    }

    [Fact]
    public async Task No_re_alert_after_an_acknowledgement_or_once_the_condition_clears()
    {
        await RestartWithAsync(("Watch:ReAlertAfter", "00:30:00"), NoStalls);
        var alert = await RecheckAlertAsync();
        await App.CommandAsync("subscribe job-1 cmp-1", channel: Dba);
        await PollAsync();
        _clock.Advance(TimeSpan.FromMinutes(31));
        await PollAsync();
        Assert.Single(Slack.InChannel(Ops), m => m.Text.Contains("reminder 1", StringComparison.Ordinal));

        await App.PressAsync("drs.ack", AlertId(alert), channel: Ops, user: "U0BOB");
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 60, fullRecheck: 12), DrsAnswer.Progress(full: 60, fullRecheck: 12), DrsAnswer.Progress(full: 70, fullRecheck: 0));
        for (var i = 0; i < 6; i++)
        {
            _clock.Advance(TimeSpan.FromMinutes(31));
            await PollAsync();
        }

        Assert.Single(Slack.InChannel(Ops), m => m.Text.Contains("Still unacknowledged", StringComparison.Ordinal)); // acknowledged: no more
        // C0DBA subscribed after rows were found: its baseline saw them, so it had no alert, and nothing to raise again.
        Assert.DoesNotContain(Slack.InChannel(Dba), m => m.Text.Contains("Still unacknowledged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_re_alert_stops_once_the_condition_clears()
    {
        await RestartWithAsync(("Watch:ReAlertAfter", "00:30:00"), NoStalls);
        await RecheckAlertAsync();
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 70, fullRecheck: 0));

        for (var i = 0; i < 6; i++)
        {
            _clock.Advance(TimeSpan.FromMinutes(31));
            await PollAsync();
        }

        // Rows at 0 are not raised again, also while the rule waits out its hysteresis (3 polls) before closing the alert.
        Assert.DoesNotContain(Slack.InChannel(Ops), m => m.Text.Contains("Still unacknowledged", StringComparison.Ordinal));
        Assert.Empty(Record.Of("T0TEAM", Ops)!.Alerts);
        var before = Slack.InChannel(Ops).Count;
        _clock.Advance(TimeSpan.FromHours(2));
        await PollAsync();
        Assert.Equal(before, Slack.InChannel(Ops).Count);
    }

    [Fact]
    public async Task A_snooze_holds_alerts_and_mentions_but_not_completion_and_ends_with_one_summary()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 50),
            DrsAnswer.Progress(full: 60, fullRecheck: 12), DrsAnswer.Progress(full: 100, fullRecheck: 12));
        await App.CommandAsync($"subscribe job-1 cmp-1 {OnCall}", channel: Ops);

        var snoozed = await App.CommandAsync("snooze job-1 cmp-1 2h", channel: Ops, user: "U0BOB");
        Assert.Equal("in_channel", snoozed.ResponseType);
        var until = _clock.GetUtcNow().AddHours(2);
        Assert.Contains($"until *{until.UtcDateTime:HH:mm} UTC*", snoozed.AllText, StringComparison.Ordinal);
        Assert.Contains("drs.unsnooze", InteractionTests.ActionIds(snoozed.Body));

        await PollAsync(); // 12 rows to recheck: held
        await PollAsync(); // complete: posted
        var posted = Slack.InChannel(Ops);
        var complete = Assert.Single(posted);
        Assert.Contains("Full comparison complete", complete.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Slack.Messages, m => m.AllText.Contains(OnCall, StringComparison.Ordinal)); // nobody mentioned
        Assert.Contains($"snoozed until {until.UtcDateTime:HH:mm} UTC (by <@U0BOB>)", (await App.CommandAsync("list", channel: Ops)).AllText, StringComparison.Ordinal);
        var digest = DigestMessages.Render([Record], "T0TEAM", Ops, _clock.GetUtcNow());
        Assert.Contains("snoozed until", Fakes.JsonText.Strings(System.Text.Json.JsonSerializer.SerializeToElement(digest, DrsBot.Slack.SlackJson.Options)), StringComparison.Ordinal);

        _clock.Advance(TimeSpan.FromHours(2));
        await PollAsync();
        await PollAsync();
        var summary = Assert.Single(Slack.InChannel(Ops), m => m.Text.StartsWith("Snooze over", StringComparison.Ordinal));
        Assert.Contains("While snoozed: 1 recheck alert; now: full 100 %, 12 rows to recheck", summary.AllText, StringComparison.Ordinal);
        Assert.Equal(2, Slack.InChannel(Ops).Count); // completion and the summary: the held alert is not posted late
        Assert.Null(Record.Of("T0TEAM", Ops)!.Snooze);
        Assert.DoesNotContain("snoozed until", (await App.CommandAsync("list", channel: Ops)).AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_snooze_button_snoozes_an_hour_and_unsnooze_ends_it_with_the_summary()
    {
        var alert = await RecheckAlertAsync();

        var snoozed = await App.PressAsync("drs.snooze", "job-1:cmp-1", channel: Ops, user: "U0BOB");
        Assert.Equal("in_channel", snoozed.Body.GetProperty("response_type").GetString());
        Assert.Equal(_clock.GetUtcNow().AddHours(1), Record.Of("T0TEAM", Ops)!.Snooze!.Until);

        var ended = await App.PressAsync("drs.unsnooze", "job-1:cmp-1", channel: Ops, user: "U0BOB");
        Assert.Contains("<@U0BOB> ended the snooze", ended.AllText, StringComparison.Ordinal);
        Assert.Contains("While snoozed: nothing was held", ended.AllText, StringComparison.Ordinal);
        Assert.Null(Record.Of("T0TEAM", Ops)!.Snooze);
        Assert.Contains("not snoozed", (await App.CommandAsync("snooze job-1 cmp-1 off", channel: Ops)).AllText, StringComparison.Ordinal);
        _ = alert;
    }

    [Fact]
    public async Task Snooze_needs_a_watched_comparison_and_a_sane_length()
    {
        Assert.Contains("does not watch", (await App.CommandAsync("snooze job-1 cmp-1 2h", channel: Ops)).AllText, StringComparison.Ordinal);
        Assert.Contains("not a snooze length", (await App.CommandAsync("snooze job-1 cmp-1 8d", channel: Ops)).Text, StringComparison.Ordinal);
        Assert.Contains("not a snooze length", (await App.CommandAsync("snooze job-1 cmp-1 soon", channel: Ops)).Text, StringComparison.Ordinal);
        Assert.Empty(Drs.Requests);
    }

    private static string AlertId(ReceivedMessage alert) =>
        InteractionTests.ActionValuesOf(alert.Body, "drs.ack").Single();
}
