using System.Text.Json;
using DrsBot.Features.Notifications;
using DrsBot.Features.Progress;
using DrsBot.Features.Shared;
using DrsBot.Slack;
using DrsBot.Tests.Deployment;
using DrsBot.Watching;

namespace DrsBot.Tests.Rendering;

public sealed class ProgressMessagesTests
{
    private static readonly ComparisonRef Comparison = new("job-1", "cmp-1");
    private static readonly DateTimeOffset ReadAt = new(2026, 11, 28, 3, 0, 0, TimeSpan.Zero);

    private static string Json(SlackMessage message) => JsonSerializer.Serialize(message, SlackJson.Options);

    [Theory]
    [InlineData(0, "░░░░░░░░░░")]
    [InlineData(42.5, "████░░░░░░")]
    [InlineData(100, "██████████")]
    [InlineData(130, "██████████")]
    public void Progress_bar_has_ten_cells(double progress, string bar) => Assert.Equal(bar, Format.ProgressBar(progress));

    [Theory]
    [InlineData(30, "under a minute left at the current pace")]
    [InlineData(61, "≈ 2 min left at the current pace")]
    [InlineData(660, "≈ 11 min left at the current pace")]
    [InlineData(7500, "≈ 2 h 5 min left at the current pace")]
    [InlineData(3 * 86400, "≈ 3 days left at the current pace")]
    public void Eta_reads_as_words_rounded_up(int seconds, string phrase) => Assert.Equal(phrase, Format.Eta(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void A_thread_parent_shows_the_eta_while_running_and_not_once_complete()
    {
        var running = new DrsBot.Watching.WatchRecord(Comparison, ReadAt).Read(new CompareProgress(new FullCompareInfo(40, null, 0), null, null), ReadAt)
            .Read(new CompareProgress(new FullCompareInfo(45, null, 0), null, null), ReadAt.AddMinutes(1));
        Assert.Contains("≈ 11 min left at the current pace", Json(ThreadMessages.Parent(running, ReadAt.AddMinutes(1))), StringComparison.Ordinal);

        var complete = running.Read(new CompareProgress(new FullCompareInfo(100, null, 0), null, null), ReadAt.AddMinutes(2));
        Assert.DoesNotContain("left at the current pace", Json(ThreadMessages.Parent(complete, ReadAt.AddMinutes(2))), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "caught up")]
    [InlineData(0.4, "under a second behind")]
    [InlineData(9.58, "10 seconds behind")]
    [InlineData(1, "1 second behind")]
    [InlineData(600, "about 10 minutes behind")]
    [InlineData(7200, "about 2 hours behind")]
    public void Delay_reads_as_words(double seconds, string phrase) => Assert.Equal(phrase, Format.DelayPhrase(seconds));

    [Fact]
    public void Running_complete_and_recheck_statuses()
    {
        Assert.Equal("Running", ComparisonStatus.Of(new(new(40, null, 0), null, null)).Title);
        Assert.Equal("Complete", ComparisonStatus.Of(new(new(100, null, 0), new(0, null, null, null, 0), null)).Title);
        Assert.Equal("Running", ComparisonStatus.Of(new(new(100, null, 0), new(3.5, null, null, null, 0), null)).Title);
        Assert.Equal("3 rows need recheck", ComparisonStatus.Of(new(new(100, null, 1), new(0, null, null, null, 2), null)).Title);
        Assert.Equal("Waiting", ComparisonStatus.Of(new(null, null, null)).Title);
    }

    [Fact]
    public void Only_objects_drs_returned_get_a_section()
    {
        var json = Json(ProgressMessages.Render(Comparison, new CompareProgress(new(55, "1MB/s", 0), null, null), ReadAt));
        Assert.Contains("Full comparison", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Incremental comparison", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Global speed", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_from_drs_is_escaped_and_cannot_ping_or_link()
    {
        var hostile = new CompareProgress(null, new(1, "<!channel>", 1, "<https://evil.example|click> & `x`", 0), null);
        var json = Json(ProgressMessages.Render(Comparison, hostile, ReadAt));
        Assert.DoesNotContain("<!channel>", json, StringComparison.Ordinal);
        Assert.DoesNotContain("<https://evil", json, StringComparison.Ordinal);
        Assert.Contains("&lt;!channel&gt;", json, StringComparison.Ordinal);
        Assert.Contains("&amp;", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Huge_values_stay_within_block_kit_limits()
    {
        var huge = new string('x', 10_000);
        var message = ProgressMessages.Render(new ComparisonRef(new string('j', 64), new string('c', 64)),
            new CompareProgress(new(1, huge, long.MaxValue / 4), new(1e12, huge, long.MaxValue / 4, huge, 1), new(huge)), ReadAt);

        Assert.True(message.Blocks!.Count <= Blocks.MaxBlocks);
        foreach (var block in message.Blocks)
        {
            switch (block)
            {
                case HeaderBlock h: Assert.True(h.Text.Text.Length <= Blocks.MaxHeader); break;
                case SectionBlock s:
                    Assert.True((s.Text?.Text.Length ?? 0) <= Blocks.MaxSectionText);
                    Assert.True((s.Fields?.Count ?? 0) <= Blocks.MaxFields);
                    Assert.All(s.Fields ?? [], f => Assert.True(f.Text.Length <= Blocks.MaxFieldText));
                    break;
                case ContextBlock c: Assert.True(c.Elements.Count <= Blocks.MaxContextElements); break;
            }
        }
    }

    [Fact]
    public void Failure_shows_code_message_and_request_id_escaped()
    {
        var failure = new DrsFailure(DrsFailureKind.Rejected, 400, "DRS.1", "bad <thing> & more", "req-9");
        var json = Json(FailureMessages.Render(Comparison, failure, ReadAt));
        Assert.Contains("DRS.1", json, StringComparison.Ordinal);
        Assert.Contains("bad &lt;thing&gt; &amp; more", json, StringComparison.Ordinal);
        Assert.Contains("req-9", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400, "DRS.10000010", DrsFailureKind.NotFound)]
    [InlineData(404, null, DrsFailureKind.Rejected)] // a 404 without DRS's own code: a wrong address, never "gone"
    [InlineData(404, "APIG.0101", DrsFailureKind.Rejected)]
    [InlineData(404, "DRS.M00101", DrsFailureKind.CredentialsRejected)] // the IAM user's DRS role is empty
    [InlineData(403, "DRS.M00261", DrsFailureKind.CredentialsRejected)]
    [InlineData(401, "APIG.0301", DrsFailureKind.CredentialsRejected)]
    [InlineData(403, "M00100", DrsFailureKind.CredentialsRejected)]
    [InlineData(400, "APIG.0308", DrsFailureKind.Throttled)]
    [InlineData(429, null, DrsFailureKind.Throttled)]
    [InlineData(502, "APIG.1009", DrsFailureKind.ServiceError)]
    [InlineData(400, "DRS.10040001", DrsFailureKind.Rejected)]
    [InlineData(422, "M00004", DrsFailureKind.Rejected)]
    public void Failures_are_classified_by_code_then_status(int status, string? code, DrsFailureKind kind) =>
        Assert.Equal(kind, DrsFailure.FromResponse(status, code, null, null).Kind);
}
