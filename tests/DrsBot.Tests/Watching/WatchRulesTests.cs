using DrsBot.Watching;

using static DrsBot.Watching.NotificationKind;

namespace DrsBot.Tests.Watching;

/// <summary>The notification rules as a table: a baseline, then a sequence of polls, then what was announced.</summary>
public sealed class WatchRulesTests
{
    private static readonly RuleSettings Settings = new();

    private static Observation Full(double progress, long recheck = 0) => new Reading(new(new(progress, "1MB/s", recheck), null, null));

    private static Observation Delay(double delay, long recheck = 0) => new Reading(new(null, new(delay, "1MB/s", 10, "lp", recheck), null));

    private static Observation Both(double progress, double delay) => new Reading(new(new(progress, null, 0), new(delay, null, null, null, 0), null));

    private static Observation Fail(DrsFailureKind kind = DrsFailureKind.ServiceError) => new Failed(new DrsFailure(kind));

    private static readonly Observation Gone = new Failed(new DrsFailure(DrsFailureKind.NotFound, 400, DrsFailure.TaskNotFoundCode));

    private static readonly DateTimeOffset Start = new(2026, 11, 29, 5, 0, 0, TimeSpan.Zero);

    private static List<NotificationKind> Run(Observation baseline, params Observation[] polls) => RunEvery(TimeSpan.FromMinutes(1), baseline, polls);

    /// <summary>The polls <paramref name="every"/> apart, the first one interval after the baseline.</summary>
    private static List<NotificationKind> RunEvery(TimeSpan every, Observation baseline, params Observation[] polls)
    {
        var state = RuleState.Baseline(((Reading)baseline).Progress);
        var announced = new List<NotificationKind>();
        var at = Start;
        foreach (var poll in polls)
        {
            at += every;
            var decision = WatchRules.Decide(state, poll, Settings, at);
            state = decision.State;
            announced.AddRange(decision.Notifications);
        }

        return announced;
    }

    public static TheoryData<string, Observation, Observation[], NotificationKind[]> Transitions => new()
    {
        { "40 → 80 → 100 → 100: complete once", Full(40), [Full(80), Full(100), Full(100)], [FullComplete] },
        { "first seen at 100 when subscribed below", Full(40), [Full(100)], [FullComplete] },
        { "already complete when subscribed: never again", Full(100), [Full(100), Full(100)], [] },
        { "flapping 99.9 ↔ 100 announces once", Full(95), [Full(100), Full(99.9), Full(100), Full(99.5), Full(100)], [FullComplete] },
        { "restart: back to 5 then 100 again announces again", Full(50), [Full(100), Full(5), Full(60), Full(100)], [FullComplete, FullComplete] },
        { "subscribed complete, restarted, completes: announced", Full(100), [Full(0), Full(100)], [FullComplete] },
        { "below 100 forever: silence", Full(10), [Full(20), Full(99.99)], [] },
        { "delay 12 → 0: caught up once", Delay(12), [Delay(0), Delay(0)], [CaughtUp] },
        { "already caught up when subscribed", Delay(0), [Delay(0)], [] },
        { "caught up flapping 0 ↔ 0.4 ↔ 5: once", Delay(12), [Delay(0), Delay(0.4), Delay(0), Delay(5), Delay(0)], [CaughtUp] },
        { "falls clearly behind then catches up again", Delay(12), [Delay(0), Delay(45), Delay(0)], [CaughtUp, CaughtUp] },
        { "subscribed caught up, falls far behind, catches up", Delay(0), [Delay(120), Delay(0)], [CaughtUp] },
        { "recheck 0 → 3: one alert", Full(50), [Full(60, recheck: 3), Full(70, recheck: 3), Full(80, recheck: 5)], [RecheckNeeded] },
        { "incremental recheck counts too", Delay(5), [Delay(5, recheck: 2)], [RecheckNeeded] },
        { "recheck flapping 3 → 0 → 3: no second alert", Full(50), [Full(50, 3), Full(50, 0), Full(50, 3)], [RecheckNeeded] },
        { "recheck clears for 3 polls then returns: new alert", Full(50), [Full(50, 3), Full(50, 0), Full(50, 0), Full(50, 0), Full(50, 4)], [RecheckNeeded, RecheckNeeded] },
        { "rows to recheck already when subscribed: no alert", Full(50, recheck: 7), [Full(60, recheck: 7)], [] },
        { "complete with recheck rows: both", Full(90), [Full(100, recheck: 2)], [FullComplete, RecheckNeeded] },
        { "both objects: complete and caught up in one poll", Both(90, 8), [Both(100, 0)], [FullComplete, CaughtUp] },
        { "two failures: silent", Full(50), [Fail(), Fail()], [] },
        { "three failures: one alert, then silence", Full(50), [Fail(), Fail(), Fail(), Fail(), Fail()], [DrsFailing] },
        { "failures interrupted by a success do not add up", Full(50), [Fail(), Fail(), Full(50), Fail(), Fail()], [] },
        { "alert then recovery: one recovered message", Full(50), [Fail(), Fail(DrsFailureKind.Timeout), Fail(DrsFailureKind.Unreachable), Full(50), Full(50)], [DrsFailing, DrsRecovered] },
        { "recovery reading that completes: both", Full(50), [Fail(), Fail(), Fail(), Full(100)], [DrsFailing, DrsRecovered, FullComplete] },
        { "credentials rejected counts as failing", Full(50), [Fail(DrsFailureKind.CredentialsRejected), Fail(DrsFailureKind.CredentialsRejected), Fail(DrsFailureKind.CredentialsRejected)], [DrsFailing] },
        { "one stray not-found is ignored", Full(50), [Gone, Full(60)], [] },
        { "two not-found in a row: gone", Full(50), [Gone, Gone], [ComparisonGone] },
    };

    [Theory]
    [MemberData(nameof(Transitions))]
    public void Announces_exactly_what_the_table_says(string because, Observation baseline, Observation[] polls, NotificationKind[] expected) =>
        Assert.True(expected.SequenceEqual(Run(baseline, polls)), $"{because}: got [{string.Join(", ", Run(baseline, polls))}]");

    [Fact]
    public void Gone_stops_watching_and_nothing_else_does()
    {
        var state = RuleState.Baseline(new(new(50, null, 0), null, null));
        Assert.False(WatchRules.Decide(state, Gone, Settings, Start).StopWatching);
        state = WatchRules.Decide(state, Gone, Settings, Start).State;
        Assert.True(WatchRules.Decide(state, Gone, Settings, Start).StopWatching);
        Assert.False(WatchRules.Decide(state, Fail(), Settings, Start).StopWatching);
    }

    [Fact]
    public void Thresholds_come_from_settings()
    {
        var eager = new RuleSettings(FailuresBeforeAlert: 1);
        var state = RuleState.Baseline(new(new(50, null, 0), null, null));
        Assert.Equal([DrsFailing], WatchRules.Decide(state, Fail(), eager, Start).Notifications);
    }

    /// <summary>Stall rules with polls ten minutes apart and the default 30-minute stall time.</summary>
    public static TheoryData<string, Observation, Observation[], NotificationKind[]> Stalls => new()
    {
        { "stuck at 40 for 30 min: one alert, then silence", Full(40), [Full(40), Full(40), Full(40), Full(40), Full(40), Full(40)], [Stalled] },
        { "stuck for 20 min only: nothing", Full(40), [Full(40), Full(40), Full(40)], [] },
        { "moving slowly is not stuck", Full(40), [Full(41), Full(42), Full(43), Full(44), Full(45)], [] },
        { "stuck, moves, stuck again: two alerts", Full(40), [Full(40), Full(40), Full(40), Full(40), Full(50), Full(50), Full(50), Full(50)], [Stalled, Stalled] },
        { "stuck at 100 is complete, not stalled", Full(100), [Full(100), Full(100), Full(100), Full(100), Full(100)], [] },
        { "delay rising every poll for 30 min: falling behind once", Delay(5), [Delay(10), Delay(20), Delay(30), Delay(40), Delay(50), Delay(60)], [FallingBehind] },
        { "delay rising then steady: no alert", Delay(5), [Delay(10), Delay(20), Delay(20), Delay(30), Delay(40)], [] },
        { "behind, falls, rises again for 30 min: two alerts", Delay(5), [Delay(10), Delay(20), Delay(30), Delay(40), Delay(35), Delay(45), Delay(55), Delay(65), Delay(75)], [FallingBehind, FallingBehind] },
        { "behind, then steady but not falling: still one", Delay(5), [Delay(10), Delay(20), Delay(30), Delay(40), Delay(40), Delay(50), Delay(60), Delay(70), Delay(80)], [FallingBehind] },
    };

    [Theory]
    [MemberData(nameof(Stalls))]
    public void Stalls_are_announced_once_and_rearmed_by_movement(string because, Observation baseline, Observation[] polls, NotificationKind[] expected) =>
        Assert.True(expected.SequenceEqual(RunEvery(TimeSpan.FromMinutes(10), baseline, polls)), $"{because}: got [{string.Join(", ", RunEvery(TimeSpan.FromMinutes(10), baseline, polls))}]");
}
