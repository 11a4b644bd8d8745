using DrsBot.Tests.Fakes;
using DrsBot.Watching;
using Microsoft.Extensions.DependencyInjection;

namespace DrsBot.Tests.EndToEnd;

/// <summary>
/// Issue 33, parts 1, 2 and 4: two DRS profiles in one bot. The default one (the top-level Drs section) signs in with a
/// static token; <c>staging</c>, another project behind another endpoint, with AK/SK. Each fake DRS answers only its own
/// project with its own credentials, so a command or a poll that reached the wrong one would fail, not pass by luck.
/// </summary>
public sealed class ProfileTests : EndToEndTest
{
    private const string StagingProject = "staging0project0id";
    private const string AccessKey = "STAGINGAKQTWAOYTTIND";
    private const string SecretKey = "staging-secret-key-MFyfvK41ba2giqM7Uio6";
    private const string Ops = "C0CHANNEL1";       // may use both profiles
    private const string StagingOps = "C0STAGING";  // may use both profiles
    private const string Elsewhere = "C0ELSEWHERE"; // not in staging's AllowedChannels

    private FakeDrs Staging { get; } = new();

    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Drs:Profiles:staging:Endpoint"] = Staging.BaseUrl.ToString(),
        ["Drs:Profiles:staging:Region"] = "ap-southeast-3", // the console link's region; the endpoint wins for calls
        ["Drs:Profiles:staging:ProjectId"] = StagingProject,
        ["Drs:Profiles:staging:Auth:Mode"] = "AkSk",
        ["Drs:Profiles:staging:Auth:AccessKey"] = AccessKey,
        ["Drs:Profiles:staging:Auth:SecretKey"] = SecretKey,
        ["Drs:Profiles:staging:AllowedChannels:0"] = Ops,
        ["Drs:Profiles:staging:AllowedChannels:1"] = StagingOps,
        ["Drs:Profiles:staging:MaxCallsPerMinute"] = "100000",
    };

    public override async Task InitializeAsync()
    {
        await Staging.StartAsync(); // its address goes into the settings
        await base.InitializeAsync();
        Drs.Authorize = request => request.Path.StartsWithSegments($"/v5/{DrsBotApp.ProjectId}")
                                   && request.Headers["X-Auth-Token"] == DrsBotApp.DrsToken
                                   && !request.Headers.ContainsKey("Authorization");
        Staging.Authorize = request => request.Path.StartsWithSegments($"/v5/{StagingProject}")
                                       && request.Headers["X-Project-Id"] == StagingProject
                                       && !request.Headers.ContainsKey("X-Auth-Token")
                                       && AkSkVerifier.Verify(request, AccessKey, SecretKey, DateTimeOffset.UtcNow);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Staging.DisposeAsync();
    }

    private Task<bool> PollAsync(ComparisonRef comparison) =>
        App.Services.GetRequiredService<PollDispatcher>().PollNowAsync(comparison);

    [Fact]
    public async Task Commands_reach_each_profiles_project_with_its_own_credentials_and_name_the_profile()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40));
        Staging.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 70)); // the same ids, another project

        var production = await App.CommandAsync("job-1 cmp-1");
        var staging = await App.CommandAsync("staging:job-1 cmp-1");

        Assert.Contains("40", production.AllText, StringComparison.Ordinal);
        Assert.Contains("Profile `default`", production.AllText, StringComparison.Ordinal); // several profiles: each card says which
        Assert.Contains("70", staging.AllText, StringComparison.Ordinal);
        Assert.Contains("Profile `staging`", staging.AllText, StringComparison.Ordinal);
        Assert.Equal(1, Drs.CallsFor("job-1", "cmp-1"));
        Assert.Equal(1, Staging.CallsFor("job-1", "cmp-1"));
        // Open in DRS console leads to the profile's own region; the default profile here has none, so no link.
        Assert.Contains("\"https://console-intl.huaweicloud.com/drs/?region=ap-southeast-3\"", staging.Body.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("console-intl", production.Body.GetRawText(), StringComparison.Ordinal);

        // The job view and its buttons stay in the profile they came from.
        Staging.ScriptJob("job-1", DrsAnswer.JobDetail("job-1", "staging-migration"), DrsAnswer.JobComparisons(1, ("cmp-1", "lines", "RUNNING")));
        var job = await App.CommandAsync("staging:job-1");
        Assert.Contains("staging-migration", job.AllText, StringComparison.Ordinal);
        Assert.Contains("\"staging:job-1\"", job.Body.GetRawText(), StringComparison.Ordinal); // Refresh carries the profile
        Assert.DoesNotContain(Drs.Requests, r => r.Path.EndsWith("/jobs/job-1", StringComparison.Ordinal));

        var pressed = await App.PressAsync("drs.refresh", "staging:job-1:cmp-1");
        Assert.Contains("70", pressed.AllText, StringComparison.Ordinal);
        Assert.Equal(2, Staging.CallsFor("job-1", "cmp-1"));
        Assert.Equal(1, Drs.CallsFor("job-1", "cmp-1"));
    }

    [Fact]
    public async Task The_same_ids_in_two_profiles_are_two_watches_each_told_from_its_own_project()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 90), DrsAnswer.Progress(full: 100));
        Staging.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 50));
        await App.CommandAsync("subscribe job-1 cmp-1", channel: Ops);
        await App.CommandAsync("subscribe staging:job-1 cmp-1", channel: Ops);

        var list = await App.CommandAsync("list", channel: Ops);
        Assert.Contains("2 comparisons", list.Text, StringComparison.Ordinal);
        Assert.Contains("(profile `default`)", list.AllText, StringComparison.Ordinal);
        Assert.Contains("(profile `staging`)", list.AllText, StringComparison.Ordinal);

        Assert.True(await PollAsync(new ComparisonRef("job-1", "cmp-1")));
        Assert.True(await PollAsync(new ComparisonRef("job-1", "cmp-1", "staging")));

        var complete = Assert.Single(Slack.InChannel(Ops));
        Assert.Contains("Full comparison complete", complete.Text, StringComparison.Ordinal);
        Assert.Contains("(default)", complete.Text, StringComparison.Ordinal); // the push notification says which
        Assert.True(Drs.CallsFor("job-1", "cmp-1") >= 2);     // progress at subscribe, then its polls
        Assert.True(Staging.CallsFor("job-1", "cmp-1") >= 2); // the same, in its own project, never the default's
        Assert.All(Staging.Requests, r => Assert.StartsWith($"/v5/{StagingProject}/", r.Path, StringComparison.Ordinal));

        // Unsubscribing one leaves the other.
        await App.CommandAsync("unsubscribe staging:job-1 cmp-1", channel: Ops);
        var after = await App.CommandAsync("list", channel: Ops);
        Assert.Contains("1 comparison", after.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("staging", after.AllText.Replace("`/drs-progress use` changes it", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_outage_of_one_profile_alerts_only_the_channels_watching_it()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40));
        Staging.Script("job-2", "cmp-2", DrsAnswer.Progress(full: 40), new DrsAnswer(503, """{"error_code":"APIG.0201","error_msg":"Backend unavailable"}"""));
        await App.CommandAsync("subscribe job-1 cmp-1 <!here>", channel: Ops);
        await App.CommandAsync("subscribe staging:job-2 cmp-2 <!here>", channel: StagingOps);

        for (var round = 0; round < 6; round++)
        {
            await PollAsync(new ComparisonRef("job-2", "cmp-2", "staging"));
            Assert.True(await PollAsync(new ComparisonRef("job-1", "cmp-1")));
        }

        var alert = Assert.Single(Slack.InChannel(StagingOps));
        Assert.Contains("not answering", alert.Text, StringComparison.Ordinal);
        Assert.Contains("(staging)", alert.Text, StringComparison.Ordinal);
        Assert.Empty(Slack.InChannel(Ops)); // the default profile's comparison was read on every round
        Assert.Equal(1 + 6, Drs.CallsFor("job-1", "cmp-1"));
    }

    [Fact]
    public async Task A_channel_outside_a_profiles_AllowedChannels_is_refused_before_any_drs_call()
    {
        Staging.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 70));

        var typed = await App.CommandAsync("staging:job-1 cmp-1", channel: Elsewhere);
        var subscribe = await App.CommandAsync("subscribe staging:job-1 cmp-1", channel: Elsewhere);
        var job = await App.CommandAsync("staging:job-1", channel: Elsewhere);
        var use = await App.CommandAsync("use staging", channel: Elsewhere);
        var pressed = await App.PressAsync("drs.subscribe", "staging:job-1:cmp-1", channel: Elsewhere);
        var unknown = await App.CommandAsync("nowhere:job-1 cmp-1", channel: Ops);

        foreach (var refusal in new[] { typed, subscribe, job, use })
        {
            Assert.Contains("not available in this channel", refusal.Text, StringComparison.Ordinal);
            Assert.Contains("`default`", refusal.AllText, StringComparison.Ordinal); // what it may use instead
        }

        Assert.Contains("not available in this channel", pressed.AllText, StringComparison.Ordinal);
        Assert.Contains("no DRS profile named nowhere", unknown.Text, StringComparison.Ordinal);
        Assert.Empty(Staging.Requests);
        Assert.Empty(Drs.Requests);
        Assert.Empty(await App.Services.GetRequiredService<IWatchStore>().WatchesAsync());
    }

    [Fact]
    public async Task Use_sets_the_channels_profile_for_ids_typed_without_one()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40));
        Staging.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 70));

        var shown = await App.CommandAsync("use", channel: StagingOps);
        Assert.Contains("profile `default`", shown.AllText, StringComparison.Ordinal);
        Assert.Contains("`staging`", shown.AllText, StringComparison.Ordinal); // may use

        var set = await App.CommandAsync("use staging", channel: StagingOps);
        Assert.Equal("in_channel", set.ResponseType);
        var card = await App.CommandAsync("job-1 cmp-1", channel: StagingOps);
        Assert.Contains("70", card.AllText, StringComparison.Ordinal);
        Assert.Equal(0, Drs.CallsFor("job-1", "cmp-1"));

        // Another channel is unaffected, and default: names the default profile wherever the channel points.
        Assert.Contains("40", (await App.CommandAsync("job-1 cmp-1", channel: Ops)).AllText, StringComparison.Ordinal);
        Assert.Contains("40", (await App.CommandAsync("default:job-1 cmp-1", channel: StagingOps)).AllText, StringComparison.Ordinal);
        Assert.Contains("profile `staging`", (await App.CommandAsync("list", channel: StagingOps)).AllText, StringComparison.Ordinal);

        await App.CommandAsync("use default", channel: StagingOps);
        Assert.Contains("profile `default`", (await App.CommandAsync("use", channel: StagingOps)).AllText, StringComparison.Ordinal);
    }
}

/// <summary>
/// A profile that signs in with an IAM password gets its own token, scoped to its own project; when IAM refuses that
/// password, only the channels watching that profile's comparisons are told, and the default profile reads on.
/// </summary>
public sealed class PasswordProfileTests : EndToEndTest
{
    private const string PartnerProject = "partner0project";
    private readonly FakeIam _iam = new("partner-account", "drsbot", "the-right-Pa55word", PartnerProject) { Delay = TimeSpan.Zero };

    private FakeDrs Partner { get; } = new();

    private string _password = "the-right-Pa55word";

    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Drs:Profiles:partner:Endpoint"] = Partner.BaseUrl.ToString(),
        ["Drs:Profiles:partner:ProjectId"] = PartnerProject,
        ["Drs:Profiles:partner:Auth:Mode"] = "Password",
        ["Drs:Profiles:partner:Auth:IamEndpoint"] = _iam.BaseUrl.ToString(),
        ["Drs:Profiles:partner:Auth:DomainName"] = "partner-account",
        ["Drs:Profiles:partner:Auth:UserName"] = "drsbot",
        ["Drs:Profiles:partner:Auth:Password"] = _password,
    };

    public override async Task InitializeAsync()
    {
        await Partner.StartAsync();
        await _iam.StartAsync();
    }

    private async Task StartAsync(string password)
    {
        _password = password;
        await base.InitializeAsync();
        Drs.Authorize = request => request.Headers["X-Auth-Token"] == DrsBotApp.DrsToken;
        Partner.Authorize = request => request.Path.StartsWithSegments($"/v5/{PartnerProject}") && request.Headers["X-Auth-Token"] == _iam.CurrentToken;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Partner.DisposeAsync();
        await _iam.DisposeAsync();
    }

    private async Task WatchAsync(ComparisonRef c, string channel)
    {
        // Stored as a subscribe stores it: subscribing would ask DRS first, and this profile cannot sign in.
        var store = App.Services.GetRequiredService<IWatchStore>();
        var now = store.Clock.GetUtcNow();
        await store.UpdateAsync(c, _ => new WatchRecord(c, now).With(new Subscription(
            c, channel, System.Collections.Immutable.ImmutableArray.Create("<!here>"), "U0ALICE", now, new RuleState()) { TeamId = "T0TEAM" }));
    }

    [Fact]
    public async Task The_profiles_iam_token_is_its_own_and_scoped_to_its_project()
    {
        await StartAsync("the-right-Pa55word");
        Partner.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 60));
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 30));

        Assert.Contains("60", (await App.CommandAsync("partner:job-1 cmp-1")).AllText, StringComparison.Ordinal);
        Assert.Contains("30", (await App.CommandAsync("job-1 cmp-1")).AllText, StringComparison.Ordinal);
        Assert.Contains("60", (await App.CommandAsync("partner:job-1 cmp-1")).AllText, StringComparison.Ordinal);

        Assert.Equal(1, _iam.Issued); // one token, cached for the profile; the default profile never asked IAM
    }

    [Fact]
    public async Task A_refused_password_alerts_only_the_channels_of_its_profile()
    {
        await StartAsync("a-stale-password");
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 30));
        await WatchAsync(new ComparisonRef("job-1", "cmp-1", "partner"), "C0PARTNER");
        await WatchAsync(new ComparisonRef("job-1", "cmp-1"), "C0OURS");
        var dispatcher = App.Services.GetRequiredService<PollDispatcher>();

        for (var round = 0; round < 4; round++)
        {
            await dispatcher.PollNowAsync(new ComparisonRef("job-1", "cmp-1", "partner"));
            Assert.True(await dispatcher.PollNowAsync(new ComparisonRef("job-1", "cmp-1")));
        }

        var alert = Assert.Single(Slack.InChannel("C0PARTNER"));
        Assert.Contains("credentials were refused", alert.Text, StringComparison.Ordinal);
        Assert.Contains("Drs:Profiles:partner:Auth", alert.AllText, StringComparison.Ordinal);
        Assert.Empty(Slack.InChannel("C0OURS"));
        Assert.Empty(Partner.Requests);          // no DRS call without a token
        Assert.Equal(1, _iam.Requests);          // and no second login within IAM's back-off
        Assert.Equal(4, Drs.CallsFor("job-1", "cmp-1"));
    }
}

/// <summary>With one profile (every configuration written before profiles) nothing names one, and <c>use</c> says there is nothing to choose.</summary>
public sealed class SingleProfileTests : EndToEndTest
{
    [Fact]
    public async Task One_profile_is_never_named_and_an_unknown_one_is_refused()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40));

        var card = await App.CommandAsync("job-1 cmp-1");
        var use = await App.CommandAsync("use staging");
        var unknown = await App.CommandAsync("staging:job-1 cmp-1");

        Assert.DoesNotContain("Profile", card.AllText, StringComparison.Ordinal);
        Assert.Contains("one DRS project", use.AllText, StringComparison.Ordinal);
        Assert.Contains("no DRS profile named staging", unknown.Text, StringComparison.Ordinal);
        Assert.Equal(1, Drs.CallsFor("job-1", "cmp-1"));
    }
}

/// <summary>
/// A profile removed from the configuration while watches of it are stored: said once, in a warning that names the
/// key to set again, and the watches fail plainly rather than silently.
/// </summary>
public sealed class RemovedProfileTests : EndToEndTest
{
    private readonly CapturingLoggerProvider _logs = new();

    public override async Task InitializeAsync()
    {
        await Drs.StartAsync();
        await Slack.StartAsync();
        App = new DrsBotApp(Drs, Slack) { ConfigureTestServices = s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(_logs) };
        _ = App.Server;
    }

    [Fact]
    public async Task Watches_of_a_profile_no_longer_configured_are_reported_once_and_their_polls_say_why()
    {
        var store = App.Services.GetRequiredService<IWatchStore>();
        var gone = new ComparisonRef("job-1", "cmp-1", "retired");
        var now = store.Clock.GetUtcNow();
        await store.UpdateAsync(gone, _ => new WatchRecord(gone, now).With(new Subscription(
            gone, "C0OPS", System.Collections.Immutable.ImmutableArray<string>.Empty, "U0ALICE", now, new RuleState()) { TeamId = "T0TEAM" }));
        var refresher = App.Services.GetRequiredService<WatchTotalsRefresher>();

        await refresher.RefreshAsync(CancellationToken.None);
        await refresher.RefreshAsync(CancellationToken.None);

        var warning = Assert.Single(_logs.Lines, l => l.Contains("not configured", StringComparison.Ordinal));
        Assert.Contains("Drs:Profiles:retired", warning, StringComparison.Ordinal);

        var dispatcher = App.Services.GetRequiredService<PollDispatcher>();
        for (var round = 0; round < 3; round++)
        {
            Assert.True(await dispatcher.PollNowAsync(gone));
        }

        var alert = Assert.Single(Slack.InChannel("C0OPS"));
        Assert.Contains("no DRS profile named 'retired'", alert.AllText, StringComparison.Ordinal);
        Assert.Empty(Drs.Requests); // never asked in the default profile's project instead
        Assert.Contains("unsubscribed", (await App.CommandAsync("unsubscribe retired:job-1 cmp-1", channel: "C0OPS")).AllText, StringComparison.Ordinal);
    }
}

/// <summary><c>Drs:AllowedChannels</c> holds the default profile to its channels as a profile's own list does.</summary>
public sealed class DefaultAllowedChannelsTests : EndToEndTest
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?> { ["Drs:AllowedChannels:0"] = "C0ONLY" };

    [Fact]
    public async Task The_default_profile_is_refused_elsewhere_naming_its_own_setting()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40));

        var refused = await App.CommandAsync("job-1 cmp-1", channel: "C0ELSEWHERE");
        var allowed = await App.CommandAsync("job-1 cmp-1", channel: "C0ONLY");

        Assert.Contains("not available in this channel", refused.Text, StringComparison.Ordinal);
        Assert.Contains("(`Drs:AllowedChannels`)", refused.AllText, StringComparison.Ordinal);
        Assert.Contains("No profile is available here.", refused.AllText, StringComparison.Ordinal);
        Assert.Contains("40 %", allowed.AllText, StringComparison.Ordinal);
        Assert.Equal(1, Drs.CallsFor("job-1", "cmp-1"));
    }
}
