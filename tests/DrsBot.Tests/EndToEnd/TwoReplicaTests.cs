using DrsBot.Tests.Deployment;
using DrsBot.Tests.Fakes;
using DrsBot.Tests.Services;
using Microsoft.Extensions.DependencyInjection;

namespace DrsBot.Tests.EndToEnd;

/// <summary>
/// Issue 29, defects 7 and 8: two real replicas on one real PostgreSQL, polling on their own schedule (Hangfire
/// ticks, no test hook). Every comparison is polled once per interval, give or take one, and every completion is
/// posted exactly once, also when one replica's clock runs five minutes ahead or behind.
/// </summary>
public abstract class TwoReplicaTests(int skewMinutes) : PostgreSqlAppsTest
{
    private const int Comparisons = 40;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private DrsBotApp Start(string database, TimeSpan skew) =>
        Start(database, "00:00:05", skew == TimeSpan.Zero ? null : s => s.AddSingleton<TimeProvider>(new SkewedClock(skew)));

    [PostgresFact]
    public async Task Every_comparison_is_polled_every_interval_and_announced_once()
    {
        var database = PostgresServer.Instance.CreateDatabase();
        var one = Start(database, TimeSpan.Zero);
        var two = Start(database, TimeSpan.FromMinutes(skewMinutes));
        var ids = Enumerable.Range(0, Comparisons).Select(i => $"cmp-{i:00}").ToList();
        foreach (var id in ids)
        {
            // Read at subscribe, then on every poll; DRS takes 200 ms. Complete from the third poll on.
            Drs.Script("job-1", id,
                DrsAnswer.Progress(full: 50) with { Delay = TimeSpan.FromMilliseconds(200) },
                DrsAnswer.Progress(full: 60) with { Delay = TimeSpan.FromMilliseconds(200) },
                DrsAnswer.Progress(full: 70) with { Delay = TimeSpan.FromMilliseconds(200) },
                DrsAnswer.Progress(full: 100) with { Delay = TimeSpan.FromMilliseconds(200) });
        }

        // Subscribed through the replica whose clock is right (Slack's signatures, stamped by a right clock, would
        // be refused as stale by the other), to channels of 20 comparisons each.
        var subscribing = DateTimeOffset.UtcNow;
        await Parallel.ForEachAsync(ids.Select((id, i) => (id, i)), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (c, _) =>
            await one.CommandAsync($"subscribe job-1 {c.id}", channel: $"C0CH{c.i / 20}"));
        Assert.NotNull(two.Services); // started, polling
        var subscribed = DateTimeOffset.UtcNow;

        await Task.Delay(Interval * 5); // the subject itself: polls on the real clock, counted over five intervals
        var slots = (int)Math.Ceiling((DateTimeOffset.UtcNow - subscribing) / Interval); // since the first subscription
        var window = (From: subscribed + Interval * 2, To: DateTimeOffset.UtcNow - Interval); // after the first poll, before the last
        foreach (var id in ids)
        {
            // The polls: every call after the one subscribe made.
            var calls = Drs.Requests.Where(r => r.Path.EndsWith($"/compare-progress/{id}", StringComparison.Ordinal)).Select(r => r.At).Order().Skip(1).ToList();
            // Never two polls at once: DRS takes 200 ms, so two calls within a second are two replicas polling together.
            // (Closer than an interval is not that: slots are fixed, and a poll a busy machine ran late is followed by
            // the next on its slot.) Nor more polls than the slots since subscribing, which a second poller would add.
            var gaps = calls.Zip(calls.Skip(1), (a, b) => b - a).ToList();
            Assert.True(gaps.All(g => g > TimeSpan.FromSeconds(1)), $"{id} polled twice at once: {string.Join(", ", gaps.Select(g => g.TotalSeconds.ToString("0.0")))}");
            Assert.True(calls.Count <= slots + 1, $"{id} polled {calls.Count} times in {slots} slots");
            // Once per interval, give or take one: no gap of more than two intervals (plus a second for the tick).
            var inWindow = calls.Where(t => t >= window.From && t <= window.To).ToList();
            Assert.True(inWindow.Count > 0, $"{id} was not polled between {window.From:T} and {window.To:T}");
            Assert.True(gaps.All(g => g <= (Interval * 2) + TimeSpan.FromSeconds(1)),
                $"{id} went unpolled for {gaps.Max().TotalSeconds:0.0} s; calls at {string.Join(", ", calls.Select(t => (t - subscribed).TotalSeconds.ToString("0.0")))}");
        }

        // Exactly once: one completion per comparison, whichever replica read it.
        var completions = Slack.Messages.Where(m => m.Endpoint == "chat.postMessage" && !m.IsThreadParent).ToList();
        foreach (var id in ids)
        {
            Assert.Single(completions, m => m.Text.Contains(id, StringComparison.Ordinal) && m.Text.Contains("Full comparison complete", StringComparison.Ordinal));
        }

        Assert.Equal(2, Slack.Messages.Where(m => m.Endpoint == "chat.postMessage" && m.IsThreadParent).Select(m => m.Channel).Distinct().Count());
    }
}

// One class per clock, so that the three run side by side (each is half a minute of real time).
[Trait("Category", "Slow")]
public sealed class TwoReplicasInStepTests() : TwoReplicaTests(0);

[Trait("Category", "Slow")]
public sealed class TwoReplicasOneAheadTests() : TwoReplicaTests(5);

[Trait("Category", "Slow")]
public sealed class TwoReplicasOneBehindTests() : TwoReplicaTests(-5);
