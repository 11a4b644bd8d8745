using DrsBot.Drs;
using Microsoft.Extensions.Time.Testing;

namespace DrsBot.Tests.Drs;

/// <summary>What the DRS circuit breaker may count against DRS as a whole (issue 29: one broken comparison paged healthy channels).</summary>
public sealed class DrsWideFailuresTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly DrsWideFailures _evidence;

    public DrsWideFailuresTests() => _evidence = new DrsWideFailures(_time, TimeSpan.FromSeconds(30));

    [Fact]
    public void One_subject_failing_while_another_is_answered_speaks_only_for_itself()
    {
        Assert.False(_evidence.Counts("job-1/cmp-ok", failed: false));

        for (var i = 0; i < 40; i++)
        {
            Assert.False(_evidence.Counts("job-1/cmp-flaky", failed: true));
        }
    }

    [Fact]
    public void Failures_from_two_subjects_speak_for_drs_as_a_whole()
    {
        _evidence.Counts("job-1/cmp-ok", failed: false);
        Assert.False(_evidence.Counts("job-1/cmp-a", failed: true));

        Assert.True(_evidence.Counts("job-1/cmp-b", failed: true));
        Assert.True(_evidence.Counts("job-1/cmp-a", failed: true));
    }

    [Fact]
    public void Failures_of_the_only_subject_called_speak_for_drs()
    {
        Assert.True(_evidence.Counts("job-1/cmp-only", failed: true));
    }

    [Fact]
    public void What_is_older_than_the_window_no_longer_counts()
    {
        _evidence.Counts("job-1/cmp-ok", failed: false);
        _evidence.Counts("job-1/cmp-a", failed: true);
        _time.Advance(TimeSpan.FromSeconds(31));

        // The answer and the other failure are both out of the window: this subject is the only one called now.
        Assert.True(_evidence.Counts("job-1/cmp-b", failed: true));

        _evidence.Counts("job-1/cmp-ok", failed: false);
        _time.Advance(TimeSpan.FromSeconds(31));
        _evidence.Counts("job-1/cmp-ok", failed: false);
        Assert.False(_evidence.Counts("job-1/cmp-c", failed: true)); // cmp-b's failure has left the window
    }
}
