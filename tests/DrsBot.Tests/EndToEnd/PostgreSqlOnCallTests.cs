using DrsBot.Tests.Deployment;
using DrsBot.Tests.Fakes;
using DrsBot.Tests.Services;

namespace DrsBot.Tests.EndToEnd;

/// <summary>Issue 32 on PostgreSQL: an acknowledgement and a snooze, with what it held, survive a restart.</summary>
[Trait("Category", "Slow")] // a real PostgreSQL server and two hosts in turn
public sealed class PostgreSqlOnCallTests : PostgreSqlAppsTest
{
    [PostgresFact]
    public async Task An_acknowledgement_and_a_snooze_survive_a_restart()
    {
        var database = PostgresServer.Instance.CreateDatabase();
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 50), DrsAnswer.Progress(full: 60, fullRecheck: 12),
            DrsAnswer.ServerError(), DrsAnswer.ServerError(), DrsAnswer.ServerError(), DrsAnswer.ServerError());
        var before = Start(database);
        await before.CommandAsync("subscribe job-1 cmp-1 <@U0ONCALL|oncall>", channel: Ops);
        await PollAsync(before, "cmp-1"); // 12 rows to recheck: the alert
        var alert = Assert.Single(Slack.InChannel(Ops));
        await before.PressAsync("drs.ack", InteractionTests.ActionValuesOf(alert.Body, "drs.ack").Single(), channel: Ops, user: "U0BOB");
        await before.CommandAsync("snooze job-1 cmp-1 3h", channel: Ops, user: "U0CAROL");
        for (var i = 0; i < 3; i++)
        {
            await PollAsync(before, "cmp-1"); // DRS failing three times: "not answering", held
        }

        Assert.Single(Slack.InChannel(Ops)); // nothing posted while snoozed
        await before.DisposeAsync(); // the process stops

        var after = Start(database);
        var list = (await after.CommandAsync("list", channel: Ops)).AllText;
        Assert.Contains("<@U0BOB> is on it", list, StringComparison.Ordinal);
        Assert.Contains("snoozed until", list, StringComparison.Ordinal);
        Assert.Contains("(by <@U0CAROL>)", list, StringComparison.Ordinal);

        var ended = await after.CommandAsync("snooze job-1 cmp-1 off", channel: Ops, user: "U0CAROL");
        Assert.Contains("While snoozed: 1 DRS outage alert", ended.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(Slack.Messages, m => m.AllText.Contains("<@U0ONCALL|oncall>", StringComparison.Ordinal) && m != alert);
    }
}
