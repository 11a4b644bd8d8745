using DrsBot.Tests.Deployment;
using DrsBot.Tests.Fakes;
using DrsBot.Tests.Services;

namespace DrsBot.Tests.EndToEnd;

/// <summary>Issue 34: two replicas in Socket Mode on one database each hold their own connections; a notification goes out once.</summary>
[Trait("Category", "Slow")] // a real PostgreSQL server and two hosts
public sealed class PostgreSqlSocketModeTests : PostgreSqlAppsTest
{
    private static readonly Dictionary<string, string?> Socket = new()
    {
        ["Slack:Mode"] = "Socket",
        ["Slack:AppToken"] = FakeSocketMode.AppToken,
    };

    [PostgresFact]
    public async Task Two_replicas_hold_two_connections_each_and_post_a_completion_once()
    {
        var database = PostgresServer.Instance.CreateDatabase();
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 50), DrsAnswer.Progress(full: 100));
        var one = Start(database, settings: Socket);
        var two = Start(database, settings: Socket);
        await Slack.Socket.WaitForConnectionsAsync(4);

        // Slack hands the command to one connection, whichever replica holds it. The answer is the ack's payload, or,
        // on a machine slower than the reply budget (two cold hosts and a database on CI's two cores), the follow-up
        // on the response_url after a "Checking…" ack: either way exactly one answer says it subscribed.
        var responseUrl = Slack.NewResponseUrl();
        var ack = await Slack.Socket.SendAsync("env-sub", "slash_commands", new
        {
            team_id = "T0TEAM", channel_id = Ops, user_id = "U0ALICE", command = "/drs-progress",
            text = "subscribe job-1 cmp-1", response_url = responseUrl.ToString(),
        });
        var answer = Fakes.JsonText.Strings(ack.GetProperty("payload"));
        if (answer.Contains("Checking comparison", StringComparison.Ordinal))
        {
            answer = (await Slack.WaitForAsync(m => m.Endpoint == responseUrl.AbsolutePath, TimeSpan.FromSeconds(20))).AllText;
        }

        Assert.Contains("subscribed this channel", answer, StringComparison.Ordinal);

        await PollOnceFreeAsync(one, "cmp-1"); // 100 %: the completion, decided and posted once
        await PollOnceFreeAsync(two, "cmp-1"); // reads 100 again: nothing new
        Assert.Single(Slack.InChannel(Ops), m => m.Text.Contains("Full comparison complete", StringComparison.Ordinal));
        Assert.Equal(4, Slack.Socket.OpenConnections);
    }
}
