using DrsBot.Tests.Fakes;
using DrsBot.Watching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace DrsBot.Tests.EndToEnd;

/// <summary>"≈ 12 min left at the current pace", from readings DrsBot already makes, with the clock under the test's control.</summary>
public sealed class EtaTests : EndToEndTest
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    private DrsBotApp ClockedApp() => new(Drs, Slack) { ConfigureTestServices = s => s.AddSingleton<TimeProvider>(_clock) };

    [Fact]
    public async Task Two_questions_a_minute_apart_give_an_eta_in_the_reply()
    {
        await using var app = ClockedApp();
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40), DrsAnswer.Progress(full: 44), DrsAnswer.Progress(full: 45));

        var first = await app.CommandAsync("job-1 cmp-1");
        _clock.Advance(TimeSpan.FromSeconds(30));
        var tooSoon = await app.CommandAsync("job-1 cmp-1");
        _clock.Advance(TimeSpan.FromSeconds(30));
        var second = await app.CommandAsync("job-1 cmp-1");

        Assert.DoesNotContain("left at the current pace", first.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("left at the current pace", tooSoon.AllText, StringComparison.Ordinal); // 30 s apart is not enough
        Assert.Contains("≈ 11 min left at the current pace", second.AllText, StringComparison.Ordinal); // 55 % at 5 % a minute
    }

    [Fact]
    public async Task Questions_closer_together_than_twenty_seconds_are_kept_as_one_reading()
    {
        // Someone asking every few seconds (or a script) must not cost a storage write per answer: with PostgreSQL
        // each is a round trip, and in memory each kept history outlives a GC. Closer readings only replace each other.
        await using var app = ClockedApp();
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40), DrsAnswer.Progress(full: 41), DrsAnswer.Progress(full: 42), DrsAnswer.Progress(full: 44));
        var store = app.Services.GetRequiredService<IWatchStore>();
        async Task<double[]> KeptAsync() =>
            [.. (await store.GetPaceAsync(new ComparisonRef("job-1", "cmp-1"), _clock.GetUtcNow()))!.Readings.Select(r => r.Progress)];

        await app.CommandAsync("job-1 cmp-1");
        _clock.Advance(TimeSpan.FromSeconds(5));
        var asked = await app.CommandAsync("job-1 cmp-1");
        _clock.Advance(TimeSpan.FromSeconds(5));
        await app.CommandAsync("job-1 cmp-1");
        Assert.Equal(new[] { 40.0 }, await KeptAsync());
        Assert.Contains("41 %", asked.AllText, StringComparison.Ordinal); // each answer still shows its own reading

        _clock.Advance(TimeSpan.FromSeconds(15));
        await app.CommandAsync("job-1 cmp-1");
        Assert.Equal(new[] { 40.0, 44.0 }, await KeptAsync()); // 25 s after the kept one: kept
    }

    [Fact]
    public async Task No_eta_when_progress_stands_still_or_falls()
    {
        await using var app = ClockedApp();
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40), DrsAnswer.Progress(full: 40), DrsAnswer.Progress(full: 3));

        await app.CommandAsync("job-1 cmp-1");
        _clock.Advance(TimeSpan.FromMinutes(2));
        var stalled = await app.CommandAsync("job-1 cmp-1");
        _clock.Advance(TimeSpan.FromMinutes(2));
        var restarted = await app.CommandAsync("job-1 cmp-1");

        Assert.DoesNotContain("left at the current pace", stalled.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("left at the current pace", restarted.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_watched_comparison_gets_its_eta_from_the_polls_in_list_and_in_answers()
    {
        await using var app = ClockedApp();
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 20), DrsAnswer.Progress(full: 30), DrsAnswer.Progress(full: 30));
        await app.CommandAsync("subscribe job-1 cmp-1", channel: "C0OPS");
        _clock.Advance(TimeSpan.FromMinutes(2));
        await app.Services.GetRequiredService<PollDispatcher>().PollNowAsync(new ComparisonRef("job-1", "cmp-1"));

        var list = await app.CommandAsync("list", channel: "C0OPS");
        Assert.Contains("≈ 14 min left at the current pace", list.AllText, StringComparison.Ordinal); // 70 % at 5 % a minute

        var asked = await app.CommandAsync("job-1 cmp-1", channel: "C0OPS"); // same 30 % at the same moment
        Assert.Contains("≈ 14 min left at the current pace", asked.AllText, StringComparison.Ordinal);
    }
}
