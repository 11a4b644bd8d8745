using System.Net;
using System.Net.Http.Headers;
using System.Text;
using DrsBot.Tests.Fakes;
using DrsBot.Watching;
using Microsoft.Extensions.DependencyInjection;

namespace DrsBot.Tests.EndToEnd;

/// <summary>What an operator sees: Prometheus metrics that move, and the Hangfire dashboard only when asked for.</summary>
[Collection(Alone.Name)]
public sealed class MetricsTests : EndToEndTest
{
    private async Task<string> ScrapeAsync()
    {
        using var response = await App.CreateClient().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The value of one sample line, e.g. <c>drsbot_commands_total{kind="progress",outcome="accepted"}</c>.</summary>
    private static double Sample(string scrape, string name, params string[] labels)
    {
        var line = scrape.Split('\n').FirstOrDefault(l =>
            l.StartsWith(name + "{", StringComparison.Ordinal) && labels.All(label => l.Contains(label, StringComparison.Ordinal)));
        return line is null
            ? 0
            : double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Commands_drs_calls_and_notifications_move_the_counters()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 90), DrsAnswer.Progress(full: 90), DrsAnswer.Progress(full: 100));
        var before = await ScrapeAsync();

        await App.CommandAsync("job-1 cmp-1");
        await App.CommandAsync("job-1 nope/../x");
        var afterCommands = await ScrapeAsync();
        Assert.Equal(Sample(before, "drsbot_commands_total", "kind=\"progress\"", "outcome=\"accepted\"") + 1,
            Sample(afterCommands, "drsbot_commands_total", "kind=\"progress\"", "outcome=\"accepted\""));
        Assert.Equal(1, Sample(afterCommands, "drsbot_commands_total", "kind=\"invalid\"", "outcome=\"invalid\""));
        Assert.True(Sample(afterCommands, "drsbot_drs_call_duration_seconds_count", "call=\"interactive\"", "outcome=\"ok\"") >= 1);

        await App.CommandAsync("subscribe job-1 cmp-1", channel: "C0OPS");
        await App.Services.GetRequiredService<PollDispatcher>().PollNowAsync(new ComparisonRef("job-1", "cmp-1"));
        await App.Services.GetRequiredService<WatchTotalsRefresher>().RefreshAsync(CancellationToken.None);
        var afterPoll = await ScrapeAsync();
        Assert.Equal(1, Sample(afterPoll, "drsbot_notifications_total", "kind=\"full_complete\"", "result=\"decided\""));
        Assert.Equal(1, Sample(afterPoll, "drsbot_notifications_total", "kind=\"full_complete\"", "result=\"posted\""));
        Assert.Equal(1, Sample(afterPoll, "drsbot_watched_comparisons"));
        Assert.Equal(1, Sample(afterPoll, "drsbot_subscriptions"));
        Assert.Equal(0, Sample(afterPoll, "drsbot_outbox_depth"));
        Assert.Contains("http_server_request_duration_seconds", afterPoll, StringComparison.Ordinal); // ASP.NET Core
        Assert.Contains("http_client_request_duration_seconds", afterPoll, StringComparison.Ordinal); // HttpClient
        Assert.Contains("dotnet_gc_", afterPoll, StringComparison.Ordinal);                             // the runtime
    }

    [Fact]
    public async Task Paused_drs_calls_show_as_a_gauge_for_their_kind_only()
    {
        // The gateway failing (503), not an error about one comparison: that is what pauses calls.
        Drs.Script("job-1", "cmp-1", new DrsAnswer(503, """{"error_code":"APIG.0201","error_msg":"Backend unavailable"}"""));
        Assert.Equal(0, Sample(await ScrapeAsync(), "drsbot_drs_paused", "call=\"interactive\""));

        for (var i = 0; i < 4; i++) // three attempts each: the tenth failure opens the breaker
        {
            await App.CommandAsync("job-1 cmp-1");
        }

        var scrape = await ScrapeAsync();
        Assert.Equal(1, Sample(scrape, "drsbot_drs_circuit_open", "call=\"interactive\""));
        Assert.Equal(1, Sample(scrape, "drsbot_drs_paused", "call=\"interactive\"")); // the deprecated name, one release more
        // Polls still go: their gauge is there, and 0.
        Assert.Contains(scrape.Split('\n'), line => line.StartsWith("drsbot_drs_circuit_open{", StringComparison.Ordinal)
                                                    && line.Contains("call=\"background\"", StringComparison.Ordinal)
                                                    && line.TrimEnd().EndsWith("} 0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Failed_drs_calls_are_counted_by_kind_and_code()
    {
        var rejected = new DrsAnswer(401, """{"error_code":"APIG.0301","error_msg":"Incorrect IAM authentication information"}""");
        Drs.Script("job-1", "cmp-1", rejected);

        await App.CommandAsync("job-1 cmp-1");

        Assert.Equal(1, Sample(await ScrapeAsync(), "drsbot_drs_failures_total", "failure=\"credentials_rejected\"", "code=\"APIG.0301\""));
    }

    /// <summary>Issue 29, defect 9: what DRS sends never becomes a new time series or unchecked text in Slack.</summary>
    [Fact]
    public async Task Unknown_codes_are_counted_as_other_and_a_hostile_request_id_is_dropped()
    {
        Drs.Script("job-1", "cmp-1", new DrsAnswer(400, """{"error_code":"DRS.<!here> 99","error_msg":"refused"}""",
            Headers: new Dictionary<string, string> { ["X-Request-Id"] = "<!channel> *call me* " + new string('x', 200) }));
        Drs.Script("job-1", "cmp-2", new DrsAnswer(400, """{"error_code":"DRS.10040001","error_msg":"refused"}""",
            Headers: new Dictionary<string, string> { ["X-Request-Id"] = "0f1e2d3c-4b5a.69:78_ok" }));

        var hostile = await App.CommandAsync("job-1 cmp-1");
        var fine = await App.CommandAsync("job-1 cmp-2");

        Assert.DoesNotContain("call me", hostile.AllText, StringComparison.Ordinal);
        Assert.Contains("0f1e2d3c-4b5a.69:78_ok", fine.AllText, StringComparison.Ordinal);
        var scrape = await ScrapeAsync();
        Assert.Equal(2, Sample(scrape, "drsbot_drs_failures_total", "failure=\"rejected\"", "code=\"other\""));
        Assert.DoesNotContain("DRS.10040001", scrape, StringComparison.Ordinal);
        Assert.DoesNotContain("<!here>", scrape, StringComparison.Ordinal);
    }
}

public sealed class DashboardTests
{
    private const string Password = "correct-horse-battery-staple";

    private static async Task<(DrsBotApp App, FakeDrs Drs, FakeSlack Slack)> StartAsync(Dictionary<string, string?> settings)
    {
        var drs = new FakeDrs();
        var slack = new FakeSlack();
        await drs.StartAsync();
        await slack.StartAsync();
        var app = new DrsBotApp(drs, slack, settings);
        _ = app.Server;
        return (app, drs, slack);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    [Fact]
    public async Task The_dashboard_is_absent_by_default()
    {
        var (app, drs, slack) = await StartAsync([]);
        await using (app)
        await using (drs)
        await using (slack)
        {
            using var response = await app.CreateClient().GetAsync("/hangfire");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Fact]
    public async Task Enabled_it_asks_for_credentials_and_shows_jobs_read_only()
    {
        var (app, drs, slack) = await StartAsync(new()
        {
            ["Hangfire:Dashboard:Enabled"] = "true",
            ["Hangfire:Dashboard:Username"] = "ops",
            ["Hangfire:Dashboard:Password"] = Password,
        });
        await using (app)
        await using (drs)
        await using (slack)
        {
            var http = app.CreateClient();
            using (var anonymous = await http.GetAsync("/hangfire"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
                Assert.Contains("Basic", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            }

            foreach (var wrong in new[] { Basic("ops", "wrong-password-wrong"), Basic("admin", Password), new AuthenticationHeaderValue("Basic", "%%%") })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire") { Headers = { Authorization = wrong } };
                using var refused = await http.SendAsync(request);
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            }

            using (var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire/recurring") { Headers = { Authorization = Basic("ops", Password) } })
            using (var page = await http.SendAsync(request))
            {
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
                var html = await page.Content.ReadAsStringAsync();
                Assert.Contains(PollCycleJob.Id, html, StringComparison.Ordinal);
                Assert.DoesNotContain("recurring/trigger", html, StringComparison.Ordinal); // no "Trigger now" button
                Assert.DoesNotContain("recurring/remove", html, StringComparison.Ordinal);  // no "Delete" button
            }
        }
    }

    [Fact]
    public async Task Enabled_without_a_password_refuses_to_start()
    {
        await using var drs = new FakeDrs();
        await using var slack = new FakeSlack();
        await drs.StartAsync();
        await slack.StartAsync();
        await using var app = new DrsBotApp(drs, slack, new Dictionary<string, string?> { ["Hangfire:Dashboard:Enabled"] = "true" });

        var error = Assert.ThrowsAny<Exception>(() => app.Server);
        Assert.Contains("Hangfire:Dashboard:Password must be at least 16 characters", error.ToString(), StringComparison.Ordinal);
    }
}
