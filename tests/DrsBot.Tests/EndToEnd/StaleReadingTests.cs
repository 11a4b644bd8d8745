using DrsBot.Tests.Fakes;
using DrsBot.Watching;
using Microsoft.Extensions.DependencyInjection;

namespace DrsBot.Tests.EndToEnd;

/// <summary>
/// Found by the faults benchmark: a poll that outlived its lease could commit an older reading after a newer one,
/// re-arming a completion already announced (a duplicate) or hiding a 50 → 100 (a loss). Older observations are dropped.
/// </summary>
public sealed class StaleReadingTests : EndToEndTest
{
    [Fact]
    public async Task A_reading_older_than_the_committed_one_changes_nothing()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 50));
        await App.CommandAsync("subscribe job-1 cmp-1", channel: "C0OPS");
        var comparison = new ComparisonRef("job-1", "cmp-1");
        var store = App.Services.GetRequiredService<IWatchStore>();
        using var scope = App.Services.CreateScope();
        var poll = scope.ServiceProvider.GetRequiredService<ComparisonPoll>();
        var record = (await store.GetAsync(comparison))!;
        var readAt = record.LastReadAt!.Value;
        List<(NotificationKind, string)> decided = [];
        List<(PendingNotification, string)> dropped = [];

        // Completed, read a second later: announced, and disarmed.
        var complete = poll.Decide(record, new ProgressRead(new CompareProgress(new FullCompareInfo(100, null, 0), null, null), null), readAt.AddSeconds(1), decided, dropped)!;
        Assert.Single(decided);

        // A slower poll's 50 %, read before that, arrives last: it must not re-arm the completion.
        var stale = poll.Decide(complete, new ProgressRead(new CompareProgress(new FullCompareInfo(50, null, 0), null, null), null), readAt.AddMilliseconds(500), decided, dropped);
        Assert.Same(complete, stale);
        Assert.Empty(decided);

        // The same 50 % read after the completion is news to the rules: it re-arms (and announces nothing).
        var fresh = poll.Decide(complete, new ProgressRead(new CompareProgress(new FullCompareInfo(50, null, 0), null, null), null), readAt.AddSeconds(2), decided, dropped)!;
        Assert.Equal(50, fresh.LastProgress!.Full!.Progress);
        Assert.Empty(decided);
    }
}
