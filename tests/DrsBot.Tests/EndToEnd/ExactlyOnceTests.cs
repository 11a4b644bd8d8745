using DrsBot.Tests.Deployment;
using DrsBot.Tests.Fakes;
using DrsBot.Watching;
using Microsoft.Extensions.DependencyInjection;

namespace DrsBot.Tests.EndToEnd;

/// <summary>
/// Issue 29, defect 6: "maybe posted" is told apart from "not posted". A post Slack may have taken (a 5xx, fatal_error,
/// internal_error, a timeout after sending, an outbox write lost after Slack said ok) is looked up in the channel by
/// its metadata id before it is posted again; without the history scopes it is posted again and counted.
/// </summary>
[Collection(Alone.Name)] // counts drsbot_notifications_total in /metrics, which sees every live host's meters
public sealed class ExactlyOnceTests : EndToEndTest
{
    private const string Ops = "C0OPS";
    private static readonly ComparisonRef Comparison = new("job-1", "cmp-1");
    private FlakyStore _store = null!;

    public override async Task InitializeAsync()
    {
        await Drs.StartAsync();
        await Slack.StartAsync();
        App = new DrsBotApp(Drs, Slack, Overrides) { ConfigureTestServices = services => _store = FlakyStore.Wrap(services) };
        _ = App.Server;
    }

    private Task<bool> PollAsync() => App.Services.GetRequiredService<PollDispatcher>().PollNowAsync(Comparison);

    private async Task SubscribeAndCompleteAsync(string flags = "")
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 50), DrsAnswer.Progress(full: 100));
        await App.CommandAsync($"subscribe job-1 cmp-1 {flags}".TrimEnd(), channel: Ops);
    }

    private IReadOnlyList<ReceivedMessage> Completions() =>
        [.. Slack.InChannel(Ops).Where(m => m.Text.Contains("Full comparison complete", StringComparison.Ordinal))];

    [Theory]
    [InlineData(500, null)]
    [InlineData(503, null)]
    [InlineData(200, "fatal_error")]
    [InlineData(200, "internal_error")]
    public async Task A_post_slack_took_but_answered_badly_is_found_in_the_channel_not_posted_again(int status, string? error)
    {
        await SubscribeAndCompleteAsync("--no-thread");
        Slack.AcceptThenFailNext(status, error);

        await PollAsync(); // posted; the answer says it failed
        await PollAsync(); // looked up: it is there, so it is recorded as sent

        var completion = Assert.Single(Completions());
        Assert.Equal("drsbot_notification", completion.Body.GetProperty("metadata").GetProperty("event_type").GetString());
        var history = Assert.Single(Slack.HistoryCalls);
        Assert.Equal(Ops, history["channel"]);
        Assert.Equal("true", history["include_all_metadata"]);
        Assert.Empty((await App.Services.GetRequiredService<IWatchStore>().GetAsync(Comparison))!.Subscriptions[0].Pending);
    }

    [Fact]
    public async Task A_post_slack_did_not_take_is_posted_again_after_looking()
    {
        await SubscribeAndCompleteAsync("--no-thread");
        Slack.ServerErrorNext(); // 503, and nothing was taken: from DrsBot's side, maybe posted

        await PollAsync();
        Assert.Empty(Completions());
        await PollAsync(); // looked up, not there: posted

        Assert.Single(Completions());
        Assert.Single(Slack.HistoryCalls);
    }

    [Fact]
    public async Task A_rate_limited_post_is_not_looked_up_it_was_not_posted()
    {
        await SubscribeAndCompleteAsync("--no-thread");
        for (var i = 0; i < 4; i++)
        {
            Slack.RateLimitNext(0);
        }

        await PollAsync();
        await PollAsync();

        Assert.Single(Completions());
        Assert.Empty(Slack.HistoryCalls);
    }

    [Fact]
    public async Task Without_the_history_scopes_a_maybe_posted_message_is_posted_again_and_counted()
    {
        Slack.HistoryScopes = false;
        await SubscribeAndCompleteAsync("--no-thread");
        Slack.AcceptThenFailNext(500);

        await PollAsync();
        await PollAsync();

        Assert.Equal(2, Completions().Count); // the documented duplicate without channels:history / groups:history
        var scrape = await App.CreateClient().GetStringAsync("/metrics");
        Assert.Contains(scrape.Split('\n'), l => l.StartsWith("drsbot_notifications_total{", StringComparison.Ordinal)
                                                 && l.Contains("result=\"maybe_duplicate\"", StringComparison.Ordinal) && l.TrimEnd().EndsWith("} 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_outbox_write_lost_after_slack_took_the_post_does_not_post_it_twice()
    {
        await SubscribeAndCompleteAsync("--no-thread");
        var failed = 0;
        // The write that records "sent" meets a database blip, right after Slack said ok.
        _store.FailWhen = method => method == "UpdateAsync" && Completions().Count == 1 && Interlocked.Exchange(ref failed, 1) == 0;

        await PollAsync();
        await PollAsync();
        await PollAsync();

        Assert.Equal(1, failed);
        Assert.Single(Completions());
        Assert.Empty((await App.Services.GetRequiredService<IWatchStore>().GetAsync(Comparison))!.Subscriptions[0].Pending);
    }

    [Fact]
    public async Task A_thread_parent_whose_ts_was_not_saved_is_found_not_posted_again()
    {
        await SubscribeAndCompleteAsync();
        var failed = 0;
        _store.FailWhen = method => method == "UpdateAsync" && Slack.Parents(Ops).Count == 1 && Interlocked.Exchange(ref failed, 1) == 0;

        await PollAsync();
        await PollAsync();

        Assert.Equal(1, failed);
        var parent = Assert.Single(Slack.Parents(Ops));
        var completion = Assert.Single(Completions());
        Assert.Equal(parent.Ts, completion.ThreadTs);
    }

    [Fact]
    public async Task A_response_url_post_is_not_retried_once_sent()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 64) with { Delay = TimeSpan.FromSeconds(3) });
        Slack.ResponseStatus = 500;
        var url = Slack.NewResponseUrl();

        var ack = await App.CommandAsync("job-1 cmp-1", responseUrl: url);
        Assert.Contains("Fetching", ack.Text, StringComparison.Ordinal);
        await App.FollowUpsDoneAsync(); // the follow-up is over once its one attempt is answered
        Assert.Equal(1, Slack.ResponseAttempts);
    }
}
