using DrsBot.Drs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace DrsBot.Tests.Drs;

public sealed class DrsCircuitBreakerTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly DrsCircuitBreaker _breaker;

    public DrsCircuitBreakerTests() => _breaker = new DrsCircuitBreaker("test", _time, NullLogger.Instance);

    [Fact]
    public void Opens_once_ten_calls_in_the_window_are_four_in_five_failures()
    {
        Report(CallOutcome.Success, 2);
        Report(CallOutcome.Failure, 7);
        Assert.True(_breaker.TryEnter(out _)); // 9 calls: too few to judge

        Report(CallOutcome.Failure, 1); // 8 of 10

        Assert.False(_breaker.TryEnter(out _));
        Assert.True(_breaker.IsOpen);
    }

    [Fact]
    public void Stays_closed_while_fewer_than_four_in_five_fail()
    {
        Report(CallOutcome.Success, 3);
        Report(CallOutcome.Failure, 11); // 11 of 14: 0.79

        Assert.True(_breaker.TryEnter(out var trial));
        Assert.False(trial);
    }

    [Fact]
    public void Calls_older_than_the_window_no_longer_count()
    {
        Report(CallOutcome.Failure, 9);
        _time.Advance(TimeSpan.FromSeconds(31));
        Report(CallOutcome.Failure, 1);
        Assert.True(_breaker.TryEnter(out _)); // one failure in the last 30 s

        Report(CallOutcome.Failure, 8);
        _time.Advance(TimeSpan.FromSeconds(10));
        Report(CallOutcome.Failure, 1); // ten within 30 s

        Assert.False(_breaker.TryEnter(out _));
    }

    [Fact]
    public void Calls_the_caller_abandoned_say_nothing_about_drs()
    {
        Report(CallOutcome.Ignored, 20);
        Report(CallOutcome.Failure, 9);

        Assert.True(_breaker.TryEnter(out _));
    }

    [Fact]
    public void After_the_break_one_trial_call_goes_and_its_success_closes_the_breaker()
    {
        Open();
        _time.Advance(TimeSpan.FromSeconds(14));
        Assert.False(_breaker.TryEnter(out _));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(_breaker.TryEnter(out var trial));
        Assert.True(trial);
        Assert.False(_breaker.TryEnter(out _)); // only one trial at a time

        _breaker.Report(CallOutcome.Success, trial: true);

        Assert.True(_breaker.TryEnter(out var again));
        Assert.False(again);
        Report(CallOutcome.Failure, 9); // the failures before the break were forgotten
        Assert.True(_breaker.TryEnter(out _));
    }

    [Fact]
    public void A_failed_trial_opens_the_breaker_for_another_break()
    {
        Open();
        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.True(_breaker.TryEnter(out var trial));

        _breaker.Report(CallOutcome.Failure, trial);

        _time.Advance(TimeSpan.FromSeconds(14));
        Assert.False(_breaker.TryEnter(out _));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(_breaker.TryEnter(out var next));
        Assert.True(next);
    }

    [Fact]
    public void A_trial_that_learnt_nothing_lets_the_next_call_try_at_once()
    {
        Open();
        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.True(_breaker.TryEnter(out var trial));

        _breaker.Report(CallOutcome.Ignored, trial); // the person gave up before DRS answered

        Assert.True(_breaker.TryEnter(out var next));
        Assert.True(next);
    }

    [Fact]
    public void Calls_that_began_before_it_opened_do_not_reopen_or_close_it()
    {
        Open();
        Report(CallOutcome.Success, 5);

        Assert.False(_breaker.TryEnter(out _));
    }

    [Fact]
    public void One_subject_failing_while_others_are_answered_never_opens_it()
    {
        _breaker.Report(CallOutcome.Success, trial: false, subject: "job-1/cmp-ok");
        for (var i = 0; i < 40; i++)
        {
            _breaker.Report(CallOutcome.Failure, trial: false, subject: "job-1/cmp-flaky"); // 40 of 41 failed, all one comparison
        }

        Assert.True(_breaker.TryEnter(out _));
        Assert.False(_breaker.IsOpen);
    }

    [Fact]
    public void Failures_from_two_subjects_speak_for_drs_as_a_whole()
    {
        _breaker.Report(CallOutcome.Success, trial: false, subject: "job-1/cmp-ok");
        for (var i = 0; i < 5; i++)
        {
            _breaker.Report(CallOutcome.Failure, trial: false, subject: "job-1/cmp-a");
            _breaker.Report(CallOutcome.Failure, trial: false, subject: "job-1/cmp-b");
        }

        Assert.True(_breaker.IsOpen);
    }

    [Fact]
    public void The_only_subject_called_failing_opens_it()
    {
        for (var i = 0; i < 10; i++)
        {
            _breaker.Report(CallOutcome.Failure, trial: false, subject: "job-1/cmp-only");
        }

        Assert.True(_breaker.IsOpen);
    }

    private void Open()
    {
        Report(CallOutcome.Failure, 10);
        Assert.True(_breaker.IsOpen);
    }

    private void Report(CallOutcome outcome, int times)
    {
        for (var i = 0; i < times; i++)
        {
            _breaker.Report(outcome, trial: false);
        }
    }
}
