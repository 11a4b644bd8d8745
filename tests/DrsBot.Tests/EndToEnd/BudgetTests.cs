using System.Collections.Immutable;
using DrsBot.Tests.Fakes;
using DrsBot.Watching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace DrsBot.Tests.EndToEnd;

/// <summary>
/// Issue 33, part 3: 200 comparisons watched at a 5-second interval within a budget of 120 DRS calls a minute. The
/// real poll cycle runs on a fake clock, one second at a time, so ten minutes take a few seconds and every figure is
/// exact: calls per minute, polls per comparison, a command answered meanwhile, and the back-off under throttling.
/// </summary>
public sealed class BudgetTests(Xunit.Abstractions.ITestOutputHelper output) : EndToEndTest
{
    private const int Watched = 200;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 3, 0, 0, TimeSpan.Zero));
    private readonly CapturingLoggerProvider _logs = new();

    public override async Task InitializeAsync()
    {
        await Drs.StartAsync();
        await Slack.StartAsync();
        App = new DrsBotApp(Drs, Slack, new Dictionary<string, string?>
        {
            ["Drs:MaxCallsPerMinute"] = "120",
            ["Watch:PollInterval"] = "00:00:05",
            ["Watch:StallAfter"] = "7.00:00:00",
        })
        {
            ConfigureTestServices = s => s.AddSingleton<TimeProvider>(_clock).AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(_logs),
        };
        var store = App.Services.GetRequiredService<IWatchStore>();
        for (var i = 0; i < Watched; i++)
        {
            var c = new ComparisonRef("job-1", $"cmp-{i:000}");
            Drs.Script(c.JobId, c.CompareJobId, DrsAnswer.Progress(full: 50));
            // Stored as a subscribe would store it, without the 200 DRS calls subscribing makes.
            await store.UpdateAsync(c, _ => new WatchRecord(c, _clock.GetUtcNow()).With(
                new Subscription(c, "C0OPS", ImmutableArray<string>.Empty, "U0ALICE", _clock.GetUtcNow(), new RuleState()) { TeamId = "T0TEAM" }));
        }

        await App.Services.GetRequiredService<WatchTotalsRefresher>().RefreshAsync(CancellationToken.None);
    }

    private int Polls => Drs.Requests.Count(r => r.Path.Contains("/compare-progress/", StringComparison.Ordinal));

    /// <summary>
    /// Runs the poll cycle over <paramref name="minutes"/> of the fake clock, five seconds at a time, each cycle to its
    /// end; DRS calls in each minute. (No answer here makes a poll wait: a retry would wait on the fake clock.)
    /// </summary>
    private Task<List<int>> RunAsync(int minutes) => RunAsync(App, _clock, minutes, () => Drs.Requests.Count);

    /// <summary>The poll cycle of <paramref name="app"/> over whole minutes of <paramref name="clock"/>; <paramref name="calls"/> counted in each.</summary>
    internal static async Task<List<int>> RunAsync(DrsBotApp app, FakeTimeProvider clock, int minutes, Func<int> calls)
    {
        var dispatcher = app.Services.GetRequiredService<PollDispatcher>();
        var perMinute = new List<int>();
        for (var minute = 0; minute < minutes; minute++)
        {
            var before = calls();
            for (var tick = 0; tick < 12; tick++)
            {
                clock.Advance(TimeSpan.FromSeconds(5)); // the interval asked for: what is due in it, polled at its end
                // Our own cycle, after any the Hangfire tick started: what is due now is then polled, all of it.
                while (!await dispatcher.TryRunDueAsync(CancellationToken.None))
                {
                    await Task.Delay(1);
                }
            }

            await app.Services.GetRequiredService<WatchTotalsRefresher>().RefreshAsync(CancellationToken.None);
            perMinute.Add(calls() - before);
        }

        return perMinute;
    }

    [Fact]
    public async Task Two_hundred_comparisons_stay_within_120_calls_a_minute_none_starved_and_commands_answered()
    {
        var budget = App.Services.GetRequiredService<DrsCallBudgets>().For(ComparisonRef.DefaultProfile);
        Assert.Equal(TimeSpan.FromMinutes(3), budget.Interval); // 200 ÷ (120 × 80 %) a minute: 2.1 min, so 3

        var perMinute = await RunAsync(9);
        var card = await App.CommandAsync("job-1 cmp-007", channel: "C0OPS"); // while the polls are stretched
        output.WriteLine($"DRS calls a minute: {string.Join(", ", perMinute)}");

        // All 200 were due at once at the start (stored before the budget knew how many there are): the polls' part
        // of that minute (96) read, the rest waited for their slot. Then 200 every 3 minutes: 66.7 a minute.
        Assert.All(perMinute, calls => Assert.InRange(calls, 1, 120));
        Assert.InRange(perMinute.Skip(3).Average(), 60, 75);
        var polled = Drs.Requests.Where(r => r.Path.Contains("/compare-progress/", StringComparison.Ordinal))
            .GroupBy(r => r.Path).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Watched, polled.Count); // none starved
        Assert.All(polled.Values, n => Assert.InRange(n, 2, 5)); // once every 3 minutes over 9, give or take the first
        Assert.Contains("Comparison cmp-007", card.AllText, StringComparison.Ordinal);
        Assert.Contains("checked every 3 min (DRS call budget", (await App.CommandAsync("list", channel: "C0OPS")).AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_drs_throttles_half_the_calls_the_rate_backs_off_and_recovers_after()
    {
        var budget = App.Services.GetRequiredService<DrsCallBudgets>().For(ComparisonRef.DefaultProfile);
        var steady = (await RunAsync(3)).Sum() / 3.0;
        for (var i = 0; i < Watched; i++)
        {
            // Every other answer is the gateway's throttling, as APIG answers it (429, APIG.0308), asking for a wait longer
            // than a poll may take, so the poll ends at once (no retry waits on the fake clock).
            Drs.Script("job-1", $"cmp-{i:000}", ThrottledThenRead(i));
        }

        var throttled = await RunAsync(6);
        output.WriteLine($"steady {steady:0.0} a minute; throttled half the time: {string.Join(", ", throttled)}; interval {budget.Interval}");
        // The polls' rate halves at the first 429, said once in the log, and again each interval it goes on: calls fall
        // well below the steady rate.
        Assert.Single(_logs.Lines, l => l.Contains("DRS is throttling DrsBot", StringComparison.Ordinal));
        Assert.True(budget.Interval >= TimeSpan.FromMinutes(5), $"interval {budget.Interval}");
        Assert.True(throttled.Skip(2).Average() < steady * 0.75, $"steady {steady:0.0} a minute, throttled {string.Join(", ", throttled)}");

        for (var i = 0; i < Watched; i++)
        {
            Drs.Script("job-1", $"cmp-{i:000}", DrsAnswer.Progress(full: 50));
        }

        await RunAsync(10);
        Assert.Equal(TimeSpan.FromMinutes(3), budget.Interval); // recovered, a tenth a minute
    }

    private static DrsAnswer[] ThrottledThenRead(int i) =>
    [
        .. Enumerable.Range(0, 40).Select(n => (n + i) % 2 == 0
            ? new DrsAnswer(429, """{"error_code":"APIG.0308","error_msg":"The throttling threshold has been reached: policy user over ratelimit,limit:XX,time:1 second"}""",
                Headers: new Dictionary<string, string> { ["Retry-After"] = "120" })
            : DrsAnswer.Progress(full: 50)),
        DrsAnswer.Progress(full: 50),
    ];
}

/// <summary>
/// Issue 33, part 3, per profile: <c>staging</c>'s own budget of 60 calls a minute stretches only its comparisons'
/// polls, and its throttling slows only its own; the default profile's comparisons are read at the interval asked for.
/// </summary>
public sealed class ProfileBudgetTests(Xunit.Abstractions.ITestOutputHelper output) : EndToEndTest
{
    private const int StagingWatched = 100, DefaultWatched = 5;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 3, 0, 0, TimeSpan.Zero));

    private FakeDrs Staging { get; } = new();

    public override async Task InitializeAsync()
    {
        await Drs.StartAsync();
        await Staging.StartAsync();
        await Slack.StartAsync();
        App = new DrsBotApp(Drs, Slack, new Dictionary<string, string?>
        {
            ["Drs:Profiles:staging:Endpoint"] = Staging.BaseUrl.ToString(),
            ["Drs:Profiles:staging:ProjectId"] = "staging0project",
            ["Drs:Profiles:staging:Auth:Token"] = "staging-token",
            ["Drs:Profiles:staging:MaxCallsPerMinute"] = "60",
            ["Watch:PollInterval"] = "00:00:05",
            ["Watch:StallAfter"] = "7.00:00:00",
        })
        {
            ConfigureTestServices = s => s.AddSingleton<TimeProvider>(_clock),
        };
        var store = App.Services.GetRequiredService<IWatchStore>();
        foreach (var (fake, profile, count) in new[] { (Staging, "staging", StagingWatched), (Drs, (string?)null, DefaultWatched) })
        {
            for (var i = 0; i < count; i++)
            {
                var c = new ComparisonRef("job-1", $"cmp-{i:000}", profile);
                fake.Script(c.JobId, c.CompareJobId, DrsAnswer.Progress(full: 50));
                await store.UpdateAsync(c, _ => new WatchRecord(c, _clock.GetUtcNow()).With(
                    new Subscription(c, "C0OPS", ImmutableArray<string>.Empty, "U0ALICE", _clock.GetUtcNow(), new RuleState()) { TeamId = "T0TEAM" }));
            }
        }

        await App.Services.GetRequiredService<WatchTotalsRefresher>().RefreshAsync(CancellationToken.None);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Staging.DisposeAsync();
    }

    [Fact]
    public async Task A_profiles_budget_stretches_only_its_own_polls()
    {
        var budgets = App.Services.GetRequiredService<DrsCallBudgets>();
        // 100 comparisons within 80 % of 60 calls a minute: 2.1 min, stretched to the next interval the schedule keeps.
        Assert.Equal(TimeSpan.FromMinutes(3), budgets.For("staging").Interval);
        Assert.Equal(TimeSpan.FromSeconds(5), budgets.For(ComparisonRef.DefaultProfile).Interval);

        var staging = await BudgetTests.RunAsync(App, _clock, 9, () => Staging.Requests.Count);
        output.WriteLine($"staging's DRS calls a minute: {string.Join(", ", staging)}; the default profile's: {Drs.Requests.Count} in 9 minutes for {DefaultWatched} comparisons");
        Assert.All(staging, calls => Assert.True(calls <= 60, $"staging made {calls} calls in a minute: {string.Join(", ", staging)}"));
        // Nine minutes at three: every comparison read two to four times (a read the budget put off waits for its next
        // slot; the first came on the schedule it was stored with): none starved, none read at 5 s.
        Assert.All(Enumerable.Range(0, StagingWatched), i => Assert.InRange(Staging.CallsFor("job-1", $"cmp-{i:000}"), 2, 4));
        // The default profile's comparisons kept their 5 s: 12 a minute each.
        Assert.All(Enumerable.Range(0, DefaultWatched), i => Assert.True(Drs.CallsFor("job-1", $"cmp-{i:000}") >= 9 * 12 - 1));

        var list = await App.CommandAsync("list", channel: "C0OPS");
        Assert.Contains("Each comparison in profile `staging` is checked every 3 min (DRS call budget, `Drs:Profiles:staging:MaxCallsPerMinute`)", list.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("profile `default` is checked", list.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Throttling_in_one_profile_slows_only_that_profiles_polls()
    {
        var budgets = App.Services.GetRequiredService<DrsCallBudgets>();
        for (var i = 0; i < StagingWatched; i++)
        {
            // Retry-After past the poll's budget: not waited (a wait would be on the fake clock), the poll reads "throttled".
            Staging.Script("job-1", $"cmp-{i:000}", new DrsAnswer(429, """{"error_code":"APIG.0308","error_msg":"The request is throttled."}""",
                Headers: new Dictionary<string, string> { ["Retry-After"] = "120" }));
        }

        await BudgetTests.RunAsync(App, _clock, 4, () => Staging.Requests.Count);

        Assert.True(budgets.For("staging").Interval > TimeSpan.FromMinutes(3), $"staging polls every {budgets.For("staging").Interval}");
        Assert.Equal(TimeSpan.FromSeconds(5), budgets.For(ComparisonRef.DefaultProfile).Interval);
        Assert.DoesNotContain(Slack.InChannel("C0OPS"), m => !m.Text.Contains("(staging)", StringComparison.Ordinal)); // nothing about the default profile
    }
}
