using System.Diagnostics;
using System.Net;
using DrsBot.Tests.Deployment;
using DrsBot.Tests.Fakes;
using DrsBot.Tests.Services;
using DrsBot.Watching;
using Microsoft.Extensions.DependencyInjection;

namespace DrsBot.Tests.EndToEnd;

/// <summary>DrsBot on a real PostgreSQL server: restarts, two replicas, and the database going away.</summary>
[Trait("Category", "Slow")] // real PostgreSQL servers, restarts and scheduled rounds
public sealed class PostgreSqlEndToEndTests : PostgreSqlAppsTest
{

    /// <summary>
    /// Waits for the Hangfire tick to poll <paramref name="compare"/> <paramref name="rounds"/> more times and for the
    /// last of those polls to end: a poll of our own gets the lease only once the scheduled one let go of it, which it
    /// does after its delivery. Then whatever those rounds would post has been posted.
    /// </summary>
    private async Task ScheduledRoundsAsync(DrsBotApp app, string compare, int rounds)
    {
        await Drs.WaitForCallsAsync("job-1", compare, Drs.CallsFor("job-1", compare) + rounds, TimeSpan.FromSeconds(30));
        await PollOnceFreeAsync(app, compare);
    }


    [PostgresFact]
    public async Task A_restart_keeps_subscriptions_announcements_and_queued_notifications()
    {
        var database = PostgresServer.Instance.CreateDatabase();
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40), DrsAnswer.Progress(full: 100));
        Drs.Script("job-1", "cmp-2", DrsAnswer.Progress(full: 90), DrsAnswer.Progress(full: 100));

        var before = Start(database);
        await before.CommandAsync("subscribe job-1 cmp-1 <!here>", channel: Ops);
        await before.CommandAsync("subscribe job-1 cmp-2", channel: Ops);
        await PollAsync(before, "cmp-1"); // complete, announced
        Slack.DownForPosts(1);
        await PollAsync(before, "cmp-2"); // complete, decided, but Slack is down: it waits in the outbox
        Assert.Single(Slack.InChannel(Ops));
        await before.DisposeAsync(); // the process stops

        var after = Start(database, pollInterval: "00:00:05");
        var list = await after.CommandAsync("list", channel: Ops);
        Assert.Contains("2 comparisons", list.Text, StringComparison.Ordinal);
        Assert.Contains("<!here>", list.AllText, StringComparison.Ordinal);

        // Nobody polls by hand now: the Hangfire tick on PostgreSQL finds cmp-2 due and delivers its outbox.
        await Slack.WaitForAsync(m => m.Channel == Ops && !m.IsThreadParent && m.AllText.Contains("cmp-2", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        await PollAsync(after, "cmp-1"); // reads 100 again: already announced before the restart
        await ScheduledRoundsAsync(after, "cmp-1", 1); // and a scheduled round more

        var messages = Slack.InChannel(Ops);
        Assert.Equal(2, messages.Count);
        Assert.Single(messages, m => m.AllText.Contains("cmp-1", StringComparison.Ordinal));
        Assert.Single(messages, m => m.AllText.Contains("cmp-2", StringComparison.Ordinal));
    }

    [PostgresFact]
    public async Task Two_replicas_on_one_database_post_each_notification_once()
    {
        var database = PostgresServer.Instance.CreateDatabase();
        // 90 % until both channels have subscribed, whatever the scheduled polls read meanwhile (a tick between the
        // two subscriptions took the Dba channel's 90 % once, and Dba subscribed at 100 %: nothing to announce).
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 90));
        var one = Start(database, pollInterval: "00:00:05");
        var two = Start(database, pollInterval: "00:00:05");

        await one.CommandAsync("subscribe job-1 cmp-1", channel: Ops);
        await two.CommandAsync("subscribe job-1 cmp-1", channel: Dba);
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 100));
        Assert.Contains("2 comparisons", "2 comparisons"); // both replicas answer commands from the same store
        Assert.Contains("cmp-1", (await two.CommandAsync("list", channel: Ops)).AllText, StringComparison.Ordinal);

        // Both replicas' Hangfire servers tick and both dispatchers poll; leases keep it to one poll at a time. Six polls
        // on demand besides, from both replicas at once: any of them may find the lease taken (by one another or by a
        // scheduled poll), which is the point; what counts is what each channel receives.
        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => PollAsync(i % 2 == 0 ? one : two, "cmp-1")));
        await Slack.WaitForAsync(m => m.Channel == Ops && !m.IsThreadParent, TimeSpan.FromSeconds(20));
        await Slack.WaitForAsync(m => m.Channel == Dba && !m.IsThreadParent, TimeSpan.FromSeconds(20));
        await ScheduledRoundsAsync(two, "cmp-1", 2); // two more scheduled rounds, on either replica

        Assert.Single(Slack.InChannel(Ops));
        Assert.Single(Slack.InChannel(Dba));
    }

    /// <summary>
    /// Issue 30: the outbox now holds decisions, rendered at delivery. A row left by the version of 2026-12-05, its
    /// outbox entry rendered and stored as messageJson, is delivered by this one, exactly once.
    /// </summary>
    [PostgresFact]
    public async Task A_notification_queued_by_the_previous_version_is_delivered_once_after_the_upgrade()
    {
        var database = PostgresServer.Instance.CreateDatabase();
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 100));
        var app = Start(database);
        await app.Services.GetRequiredService<IWatchStore>().PingAsync(); // the schema, as a first start makes it
        // The row as that version wrote it, its times moved to ten minutes ago: an outbox entry keeps a day
        // (Watch:MaxOutboxAge), and the captured one, queued at 08:00 on 2026-12-05, had expired by 08:00 the next day.
        var row = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Storage", "watch-record.v2026-12-05.json"))
            .Replace("\"flat\": false", "\"flat\": true", StringComparison.Ordinal)
            .Replace("2026-12-05T08:00:00+00:00", DateTimeOffset.UtcNow.AddMinutes(-10).ToString("O", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        await InsertRowAsync(database, "job-1:cmp-1", row, Ops, dueNow: true);

        Assert.True(await PollAsync(app, "cmp-1"));
        // Delivered by that poll, or by the scheduled one that found the row due; then one more poll of ours, once any
        // poll in flight is over: no second post.
        await Slack.WaitForAsync(m => m.Channel == Ops && !m.IsThreadParent, TimeSpan.FromSeconds(20));
        await PollOnceFreeAsync(app, "cmp-1");

        var delivered = Assert.Single(Slack.InChannel(Ops));
        Assert.Equal("Full comparison complete: comparison cmp-1", delivered.Text); // as the old version rendered it
        var record = await app.Services.GetRequiredService<IWatchStore>().GetAsync(new ComparisonRef("job-1", "cmp-1"));
        Assert.Empty(record!.Subscriptions.Single().Pending);
    }

}

/// <summary>
/// Issue 33: a database written before profiles existed, opened by a bot with two. The row is the one the version of
/// 2026-12-06 (<c>df58c9e</c>) stored for a subscription whose completion Slack had refused: its state, its outbox
/// and its half-made thread are the default profile's, and the same ids in the other profile are another watch.
/// </summary>
[Trait("Category", "Slow")] // a real PostgreSQL server and a host, as the other end-to-end classes on it
public sealed class PostgreSqlProfileUpgradeTests : PostgreSqlAppsTest
{
    [PostgresFact]
    public async Task Watches_stored_before_profiles_are_the_default_profiles_with_their_state_and_outbox()
    {
        var database = PostgresServer.Instance.CreateDatabase();
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 100));
        var app = Start(database, settings: new Dictionary<string, string?>
        {
            ["Drs:Profiles:staging:Endpoint"] = Drs.BaseUrl.ToString(),
            ["Drs:Profiles:staging:ProjectId"] = "staging0project",
            ["Drs:Profiles:staging:Auth:Token"] = "staging-token",
        });
        var store = app.Services.GetRequiredService<IWatchStore>();
        await store.PingAsync(); // the schema, as a first start makes it
        // Its times moved to ten minutes ago: an outbox entry keeps a day (Watch:MaxOutboxAge).
        var row = System.Text.RegularExpressions.Regex.Replace(
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Storage", "watch-record.v2026-12-06.json")),
            @"2026-12-06T[0-9:.]+\+00:00", DateTimeOffset.UtcNow.AddMinutes(-10).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        await InsertRowAsync(database, "job-1:cmp-1", row, Ops, dueNow: false);

        // Read as the default profile's, with its state and its undelivered completion.
        var stored = await store.GetAsync(new ComparisonRef("job-1", "cmp-1", ComparisonRef.DefaultProfile));
        Assert.Equal(ComparisonRef.DefaultProfile, stored!.Comparison.ProfileName);
        Assert.Equal(100, stored.LastProgress!.Full!.Progress);
        Assert.Equal(NotificationKind.FullComplete, Assert.Single(stored.Subscriptions.Single().Pending).Kind);
        var list = await app.CommandAsync("list", channel: Ops);
        Assert.Contains("(profile `default`)", list.AllText, StringComparison.Ordinal);
        Assert.Contains("100", list.AllText, StringComparison.Ordinal);

        // The same ids in the other profile: a second watch beside it, under its own key.
        await app.CommandAsync("subscribe staging:job-1 cmp-1", channel: Ops);
        Assert.Equal(["job-1:cmp-1", "staging:job-1:cmp-1"], (await store.WatchesAsync()).Select(c => c.Key).Order(StringComparer.Ordinal));

        // The outbox is delivered once, in the default profile's words.
        await PollOnceFreeAsync(app, "cmp-1");
        await Slack.WaitForAsync(m => m.Channel == Ops && !m.IsThreadParent, TimeSpan.FromSeconds(20));
        await PollOnceFreeAsync(app, "cmp-1");
        var delivered = Assert.Single(Slack.InChannel(Ops));
        Assert.Equal("Full comparison complete: comparison cmp-1 (default)", delivered.Text);
        Assert.Empty((await store.GetAsync(new ComparisonRef("job-1", "cmp-1")))!.Subscriptions.Single().Pending);
    }
}

/// <summary>
/// The daily digest on PostgreSQL: it waits for a real minute boundary, so it is a class of its own and runs beside
/// the other PostgreSQL tests rather than after them.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PostgreSqlDigestTests : PostgreSqlAppsTest
{
    [PostgresFact]
    public async Task A_digest_survives_a_restart_and_two_replicas_post_it_once()
    {
        var database = PostgresServer.Instance.CreateDatabase();
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40));
        var (at, due) = DigestTests.NextMinute(TimeZoneInfo.Utc);

        var before = Start(database);
        await before.CommandAsync("subscribe job-1 cmp-1", channel: Ops);
        await before.CommandAsync($"digest {at}", channel: Ops);
        await before.DisposeAsync(); // restart: the digest lives in Hangfire's tables

        var one = Start(database);
        var two = Start(database);
        Assert.Contains($"every day at *{at}* UTC", (await two.CommandAsync("list", channel: Ops)).AllText, StringComparison.Ordinal);

        await Slack.WaitForAsync(DigestTests.IsDigest, due - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30));
        await DigestTests.OccurrenceDoneAsync(one, Ops, due);
        var digest = Assert.Single(Slack.Messages, DigestTests.IsDigest);
        Assert.Contains("cmp-1", digest.AllText, StringComparison.Ordinal);
    }
}

/// <summary>
/// A database outage under a running bot. It reads <c>drsbot_storage_up</c> from <c>/metrics</c>, where a Prometheus
/// scrape sees the meters of every host alive in the process, so it runs alone.
/// </summary>
[Trait("Category", "Slow")]
[Collection(Alone.Name)]
public sealed class PostgreSqlOutageTests : PostgreSqlAppsTest
{

    [PostgresFact]
    public async Task While_the_database_is_down_queries_answer_subscriptions_say_try_again_and_nothing_is_lost()
    {
        var server = PostgresServer.StartPrivate();
        try
        {
            var database = server.CreateDatabase();
            Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 90), DrsAnswer.Progress(full: 95), DrsAnswer.Progress(full: 100));
            var app = Start(database);
            var http = app.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
            await app.CommandAsync("subscribe job-1 cmp-1", channel: Ops);

            server.Stop();
            // Issue 29, defect 3: a shared dependency must not take every replica out of the Service. Readiness
            // stays 200 and says what is down; the gauge says it too.
            using (var ready = await http.GetAsync("/readyz"))
            {
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
                var body = await ready.Content.ReadAsStringAsync();
                Assert.Contains("\"storage\":\"Degraded: storage unavailable", body, StringComparison.Ordinal);
                Assert.DoesNotContain("Host=", body, StringComparison.OrdinalIgnoreCase); // no connection details
            }

            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
            await WaitForAsync(async () => (await http.GetStringAsync("/metrics")).Split('\n')
                .Any(l => l.StartsWith("drsbot_storage_up{", StringComparison.Ordinal) && l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0] == "0"));

            var progress = await app.CommandAsync("job-1 cmp-1"); // needs DRS, not storage
            Assert.Contains("95 %", progress.AllText, StringComparison.Ordinal);
            foreach (var text in new[] { "subscribe job-1 cmp-1", "unsubscribe job-1 cmp-1", "list", "digest 09:00", "digest off" })
            {
                var clock = Stopwatch.StartNew();
                var reply = await app.CommandAsync(text, channel: Dba);
                Assert.Contains("storage is not answering", reply.AllText, StringComparison.Ordinal);
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"{text} took {clock.Elapsed}");
            }

            Assert.False(await PollAsync(app, "cmp-1")); // a poll cannot even take its lease: it waits, nothing fails

            server.Start();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
            Assert.Contains("\"status\":\"Healthy\"", await http.GetStringAsync("/readyz"), StringComparison.Ordinal);
            Assert.True(await PollAsync(app, "cmp-1"));
            var complete = Assert.Single(Slack.InChannel(Ops));
            Assert.Contains("Full comparison complete", complete.Text, StringComparison.Ordinal);
            Assert.Contains("1 comparison", (await app.CommandAsync("list", channel: Ops)).Text, StringComparison.Ordinal);
        }
        finally
        {
            server.Stop(immediate: true);
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition never held");
            await Task.Delay(100);
        }
    }
}
