using DrsBot.Slack;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace DrsBot.Tests.Slack;

/// <summary>Slack's 3-second promise, on a fake clock: the reply within the budget, else the acknowledgement.</summary>
public sealed class InteractiveRepliesTests : IDisposable
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
    private readonly FollowUps _followUps = new();
    private readonly InteractiveReplies _replies;

    public InteractiveRepliesTests()
    {
        var slack = new SlackOptions { EffectiveReplyBudget = Budget };
        var monitor = Mock.Of<IOptionsMonitor<SlackOptions>>(m => m.CurrentValue == slack);
        var policy = new ResponseUrlPolicy(monitor, Mock.Of<IHostEnvironment>(e => e.EnvironmentName == "Production"));
        _replies = new InteractiveReplies(
            new ResponseUrlClient(Mock.Of<IHttpClientFactory>(), policy, NullLogger<ResponseUrlClient>.Instance),
            _followUps, policy, Options.Create(slack), _clock, NullLogger<InteractiveReplies>.Instance);
    }

    private static SlashCommand Command() => new("T1", "C1", "ops", "U1", "/drs-progress", "job-1 cmp-1", ResponseUrl: null);

    [Fact]
    public async Task Work_done_within_the_budget_is_the_reply()
    {
        var reply = await _replies.WithinBudgetAsync(Command(), () => new SlackMessage("ack"), async _ =>
        {
            await Task.Yield();
            return new SlackMessage("the card");
        });

        Assert.Equal("the card", reply.Text);
    }

    [Fact]
    public async Task Work_still_running_when_the_budget_ends_gets_the_acknowledgement()
    {
        var never = new TaskCompletionSource<SlackMessage>();

        var reply = _replies.WithinBudgetAsync(Command(), () => new SlackMessage("ack"), _ => never.Task);
        Assert.False(reply.IsCompleted);
        _clock.Advance(Budget - TimeSpan.FromMilliseconds(1));
        Assert.False(reply.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal("ack", (await reply.WaitAsync(TimeSpan.FromSeconds(10))).Text);
    }

    public void Dispose() => _followUps.Dispose();
}
