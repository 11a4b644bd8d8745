using DrsBot.Commands;
using DrsBot.Drs;
using DrsBot.Features.Jobs;
using DrsBot.Features.Progress;
using DrsBot.Features.Subscriptions;
using DrsBot.Slack;
using DrsBot.Tests.Deployment;
using DrsBot.Tests.Fakes;
using DrsBot.Watching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DrsBot.Tests.EndToEnd;

/// <summary>The holes a review found: each reproduced end to end, then closed.</summary>
public sealed class ReliabilityTests : EndToEndTest
{
    private const string Job = "job-1";
    private const string Compare = "cmp-1";
    private const string Ops = "C0OPS";
    private static readonly ComparisonRef Comparison = new(Job, Compare);

    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Watch:PollLease"] = "00:00:02",
    };

    private Task<bool> PollAsync() => App.Services.GetRequiredService<PollDispatcher>().PollNowAsync(Comparison);

    private IWatchStore Store => App.Services.GetRequiredService<IWatchStore>();


    [Fact]
    public async Task A_comparison_that_vanishes_while_slack_is_down_is_still_announced_once()
    {
        Drs.Script(Job, Compare, DrsAnswer.Progress(full: 50), DrsAnswer.NotFound(), DrsAnswer.NotFound());
        await App.CommandAsync($"subscribe {Job} {Compare} <!here>", channel: Ops);
        Slack.DownForPosts(2);

        await PollAsync();
        await PollAsync(); // DRS.10000010 twice: gone, but Slack refuses the alert
        Assert.Empty(Slack.InChannel(Ops));

        // The watch is kept, not read again, and shown for what it is.
        var record = await Store.GetAsync(Comparison);
        Assert.NotNull(record?.GoneAt);
        Assert.Single(record!.Of("T0TEAM", Ops)!.Pending);
        var list = await App.CommandAsync("list", channel: Ops);
        Assert.Contains("no longer knows this comparison", list.AllText, StringComparison.Ordinal);

        var drsCalls = Drs.CallsFor(Job, Compare);
        await PollAsync(); // Slack still down
        await PollAsync(); // Slack back
        var alert = Assert.Single(Slack.InChannel(Ops));
        Assert.Contains("no longer exists", alert.Text, StringComparison.Ordinal);
        Assert.Equal(drsCalls, Drs.CallsFor(Job, Compare)); // a gone comparison is never asked about again

        Assert.Null(await Store.GetAsync(Comparison)); // forgotten once delivered
        Assert.False(await PollAsync());
        Assert.Single(Slack.InChannel(Ops));
        Assert.Contains("watches no comparisons", (await App.CommandAsync("list", channel: Ops)).Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// Only DRS's own "task not found" (DRS.10000010) means a comparison is gone. A 404 that says something else (the
    /// IAM user's DRS role removed, DRS.M00101; a gateway's "no such API" for a wrong endpoint) is DrsBot's problem to
    /// fix: the channels must not hear that their comparisons vanished, nor stop being watched.
    /// </summary>
    [Theory]
    [InlineData("DRS.M00101", "The user role is empty.", "credentials were refused")]
    [InlineData("APIG.0101", "The API does not exist or has not been published in the environment.", "DRS fails on this comparison")]
    public async Task A_404_that_is_not_drs_saying_task_not_found_never_declares_a_comparison_gone(string code, string message, string alert)
    {
        var refusal = new DrsAnswer(404, $$"""{"error_code":"{{code}}","error_msg":"{{message}}"}""");
        Drs.Script(Job, Compare, DrsAnswer.Progress(full: 50), refusal, refusal, refusal, refusal, DrsAnswer.Progress(full: 60));
        await App.CommandAsync($"subscribe {Job} {Compare}", channel: Ops);

        for (var i = 0; i < 4; i++)
        {
            Assert.True(await PollAsync());
        }

        var record = await Store.GetAsync(Comparison);
        Assert.Null(record?.GoneAt);
        Assert.DoesNotContain(Slack.InChannel(Ops), m => m.AllText.Contains("no longer exists", StringComparison.Ordinal));
        Assert.Contains(Slack.InChannel(Ops), m => m.AllText.Contains(alert, StringComparison.Ordinal));

        Assert.True(await PollAsync()); // still watched: the next reading is read
        Assert.Equal(60, (await Store.GetAsync(Comparison))!.LastProgress!.Full!.Progress);
    }

    [Fact]
    public async Task A_deploy_during_a_slow_answer_still_delivers_the_answer()
    {
        Drs.Script(Job, Compare, DrsAnswer.Progress(full: 64) with { Delay = TimeSpan.FromSeconds(4) });
        var responseUrl = Slack.NewResponseUrl();

        var ack = await App.CommandAsync($"{Job} {Compare}", responseUrl: responseUrl);
        Assert.Contains("Fetching", ack.Text, StringComparison.Ordinal);

        // SIGTERM while DRS is still answering: ApplicationStopping fires, then the host stops within its shutdown timeout.
        await Drs.WaitForCallsAsync(Job, Compare, 1);
        App.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        await App.Services.GetRequiredService<IHost>().StopAsync();

        var answer = Assert.Single(Slack.ToResponseUrl(responseUrl));
        Assert.Contains("64 %", answer.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("went wrong", answer.AllText, StringComparison.Ordinal);
    }

    [Trait("Category", "Slow")] // a lease expiring on the real clock
    [Fact]
    public async Task The_poll_lease_outlives_a_slow_slack_so_no_second_poll_posts_the_same_entry()
    {
        Drs.Script(Job, Compare, DrsAnswer.Progress(full: 90), DrsAnswer.Progress(full: 100));
        await App.CommandAsync($"subscribe {Job} {Compare}", channel: Ops);
        Slack.DelayNext(TimeSpan.FromSeconds(5)); // the post outlasts the 2-second lease twice over

        var first = PollAsync();
        var others = new List<bool>();
        for (var i = 0; i < 8; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(600));
            others.Add(await PollAsync());
        }

        Assert.True(await first);
        Assert.All(others.Take(6), Assert.False); // while the first poll posts, nobody else may poll
        var message = Assert.Single(Slack.InChannel(Ops));
        Assert.Contains("Full comparison complete", message.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_poll_racing_an_unsubscribe_never_posts_to_the_unsubscribed_channel()
    {
        Drs.Script(Job, Compare, DrsAnswer.Progress(full: 90), DrsAnswer.Progress(full: 90), DrsAnswer.Progress(full: 100) with { Delay = TimeSpan.FromSeconds(1) });
        await App.CommandAsync($"subscribe {Job} {Compare}", channel: Ops);
        await App.CommandAsync($"subscribe {Job} {Compare}", channel: "C0DBA");

        var poll = PollAsync();
        await Drs.WaitForCallsAsync(Job, Compare, 3); // the poll is waiting on DRS
        await App.CommandAsync($"unsubscribe {Job} {Compare}", channel: Ops);
        await poll;

        Assert.Empty(Slack.InChannel(Ops));
        Assert.Single(Slack.InChannel("C0DBA"));
    }
}

/// <summary>Nothing that holds a typed HttpClient lives for the whole process, or its handler would never rotate.</summary>
public sealed class ServiceLifetimeTests
{
    private static readonly Type[] TypedClients = [typeof(IDrsClient), typeof(IProgressSource), typeof(IChannelPoster), typeof(HttpClient)];

    [Fact]
    public async Task No_singleton_captures_a_typed_client()
    {
        IServiceCollection? services = null;
        await using var drs = new FakeDrs();
        await using var slack = new FakeSlack();
        await drs.StartAsync();
        await slack.StartAsync();
        await using var app = new DrsBotApp(drs, slack) { ConfigureTestServices = s => services = s };
        _ = app.Server;

        foreach (var type in new[]
                 {
                     typeof(CommandRouter), typeof(ProgressHandler), typeof(JobHandler), typeof(SubscriptionCommands),
                     typeof(INotificationDelivery), typeof(ComparisonPoll), typeof(IProgressSource),
                 })
        {
            Assert.NotEqual(ServiceLifetime.Singleton, Assert.Single(services!, d => d.ServiceType == type).Lifetime);
        }

        var singletons = services!.Where(d => d is { Lifetime: ServiceLifetime.Singleton, ImplementationType: not null });
        Assert.All(singletons, d => Assert.DoesNotContain(
            d.ImplementationType!.GetConstructors().SelectMany(c => c.GetParameters()),
            p => TypedClients.Contains(p.ParameterType)));

        using var one = app.Services.CreateScope();
        using var two = app.Services.CreateScope();
        Assert.NotSame(one.ServiceProvider.GetRequiredService<CommandRouter>(), two.ServiceProvider.GetRequiredService<CommandRouter>());
    }

    [Fact]
    public async Task A_request_or_job_scope_shares_one_drs_client_and_the_next_scope_gets_a_new_one()
    {
        // One host at a time (see AssemblyInfo): the production wiring, then the demo's, which points the client elsewhere.
        await using (var drs = new FakeDrs())
        await using (var slack = new FakeSlack())
        {
            await drs.StartAsync();
            await slack.StartAsync();
            await using var app = new DrsBotApp(drs, slack);
            AssertOnePerScope(app.Services);
        }

        await using var demo = new Demo.DemoApp();
        AssertOnePerScope(demo.Services);

        static void AssertOnePerScope(IServiceProvider services)
        {
            using var one = services.CreateScope();
            using var two = services.CreateScope();
            var client = one.ServiceProvider.GetRequiredService<IDrsClient>();
            Assert.Same(client, one.ServiceProvider.GetRequiredService<IDrsClient>());
            Assert.NotSame(client, two.ServiceProvider.GetRequiredService<IDrsClient>()); // a new HttpClient, so handlers rotate
        }
    }
}
