using DrsBot.Features.Digest;
using DrsBot.Tests.Deployment;
using DrsBot.Tests.Fakes;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace DrsBot.Tests.EndToEnd;

/// <summary>The daily digest, on the real clock and the real Hangfire scheduler.</summary>
public sealed class DigestTests : EndToEndTest
{
    private const string Ops = "C0OPS";

    /// <summary>"HH:mm" in <paramref name="zone"/> for the next minute that is at least ten seconds away.</summary>
    public static (string At, DateTimeOffset Due) NextMinute(TimeZoneInfo zone)
    {
        var now = DateTimeOffset.UtcNow;
        var due = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(now.Second < 50 ? 1 : 2);
        return (TimeZoneInfo.ConvertTime(due, zone).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture), due);
    }

    public static bool IsDigest(ReceivedMessage m) => m.Text.StartsWith("Daily digest", StringComparison.Ordinal);

    /// <summary>
    /// The proof that no second digest is coming for <paramref name="due"/>: Hangfire has run that occurrence's job to
    /// its end and moved the channel's schedule past it. Every replica's scheduler reads the same record, so none of
    /// them has another occurrence to start; a wait of some seconds could only hope so.
    /// </summary>
    internal static async Task OccurrenceDoneAsync(DrsBotApp app, string channel, DateTimeOffset due)
    {
        using var connection = app.Services.GetRequiredService<JobStorage>().GetConnection();
        var id = DigestSchedule.Id("T0TEAM", channel);
        for (var deadline = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(100))
        {
            var job = connection.GetRecurringJobs().Single(j => j.Id == id);
            if (job is { LastJobState: "Succeeded", NextExecution: { } next } && next > due.UtcDateTime)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the digest due at {due:T} did not finish: last job {job.LastJobState}, next {job.NextExecution:T}");
        }
    }

    [Fact]
    public void A_digest_scheduled_before_the_feature_folders_still_loads_its_job()
    {
        // What Hangfire's storage holds for a digest scheduled by the version before 2026-12-06, when the job's class
        // was DrsBot.Digest.DigestJob; the app's Hangfire configuration (the type resolver) is what reads it back.
        _ = App.Services.GetRequiredService<JobStorage>();
        var today = InvocationData.SerializeJob(Hangfire.Common.Job.FromExpression<DigestJob>(j => j.RunAsync("T0TEAM", Ops, CancellationToken.None)));
        Assert.StartsWith("DrsBot.Features.Digest.DigestJob, DrsBot", today.Type, StringComparison.Ordinal);
        var stored = new InvocationData(today.Type.Replace("DrsBot.Features.Digest.", "DrsBot.Digest.", StringComparison.Ordinal),
            today.Method, today.ParameterTypes, today.Arguments);

        var job = stored.DeserializeJob();

        Assert.Equal(typeof(DigestJob), job.Type);
        Assert.Equal(["T0TEAM", Ops], job.Args.Take(2));
    }

    [Trait("Category", "Slow")] // Hangfire's real scheduler, at a real minute boundary
    [Fact]
    public async Task A_digest_a_minute_ahead_arrives_once_with_every_watched_comparison_and_off_removes_its_job()
    {
        Drs.Script("job-1", "cmp-running", DrsAnswer.Progress(full: 40));
        Drs.Script("job-1", "cmp-done", DrsAnswer.Progress(full: 100));
        Drs.Script("job-1", "cmp-differs", DrsAnswer.Progress(full: 100, fullRecheck: 3));
        foreach (var c in new[] { "cmp-running", "cmp-done", "cmp-differs" })
        {
            await App.CommandAsync($"subscribe job-1 {c} <@U0ONCALL|oncall>", channel: Ops);
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"); // +05:30: the time is read in the zone given
        var (at, due) = NextMinute(zone);
        var set = await App.CommandAsync($"digest {at} Asia/Kolkata", channel: Ops);
        Assert.Equal("in_channel", set.ResponseType);
        Assert.Contains($"every day at *{at}* Asia/Kolkata", set.AllText, StringComparison.Ordinal);
        Assert.Contains("digest", (await App.CommandAsync("list", channel: Ops)).AllText, StringComparison.Ordinal);
        Assert.Contains(at, (await App.CommandAsync("list", channel: Ops)).AllText, StringComparison.Ordinal);

        var digest = await Slack.WaitForAsync(IsDigest, due - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30));
        Assert.True(DateTimeOffset.UtcNow >= due.AddSeconds(-1), "not before its time");
        await OccurrenceDoneAsync(App, Ops, due);
        Assert.Single(Slack.Messages, IsDigest);

        Assert.Equal(Ops, digest.Channel);
        Assert.Contains("3 comparisons", digest.AllText, StringComparison.Ordinal);
        Assert.Contains("1 needs attention", digest.AllText, StringComparison.Ordinal);
        var text = digest.AllText;
        Assert.All(new[] { "cmp-running", "cmp-done", "cmp-differs" }, c => Assert.Contains(c, text, StringComparison.Ordinal));
        Assert.True(text.IndexOf("cmp-differs", StringComparison.Ordinal) < text.IndexOf("cmp-done", StringComparison.Ordinal), "attention first");
        Assert.DoesNotContain("<@U0ONCALL", text, StringComparison.Ordinal); // a digest pings no one

        var off = await App.CommandAsync("digest off", channel: Ops);
        Assert.Contains("stopped this channel's daily digest", off.AllText, StringComparison.Ordinal);
        using (var connection = App.Services.GetRequiredService<JobStorage>().GetConnection())
        {
            Assert.DoesNotContain(connection.GetRecurringJobs(), j => j.Id == DigestSchedule.Id("T0TEAM", Ops));
        }

        Assert.Contains("No daily digest", (await App.CommandAsync("list", channel: Ops)).AllText, StringComparison.Ordinal);
        Assert.Contains("no daily digest", (await App.CommandAsync("digest off", channel: Ops)).AllText, StringComparison.Ordinal);
    }

    [Trait("Category", "Slow")] // Hangfire's real scheduler
    [Fact]
    public async Task A_digest_set_again_replaces_the_time_and_belongs_to_its_own_channel_and_workspace()
    {
        await App.CommandAsync("digest 08:00", channel: Ops);
        await App.CommandAsync("digest 17:30 America/New_York", channel: Ops);
        await App.CommandAsync("digest 06:00", channel: Ops, team: "T0OTHER");

        var schedule = App.Services.GetRequiredService<DigestSchedule>();
        var ours = schedule.Get("T0TEAM", Ops)!;
        Assert.Equal(new TimeOnly(17, 30), ours.At);
        Assert.Equal("America/New_York", ours.TimeZoneId);
        Assert.Equal(new TimeOnly(6, 0), schedule.Get("T0OTHER", Ops)!.At);
        Assert.Null(schedule.Get("T0TEAM", "C0ELSE"));
        Assert.Contains("No daily digest", (await App.CommandAsync("list", channel: "C0ELSE")).AllText, StringComparison.Ordinal);
    }

    [Fact]
    public void A_digest_for_a_channel_that_watches_nothing_says_so_and_how_to_stop_it()
    {
        var message = DrsBot.Features.Digest.DigestMessages.Render([], "T0TEAM", Ops, DateTimeOffset.UtcNow);
        Assert.Contains("watches no comparisons", message.Text, StringComparison.Ordinal);
        Assert.Contains("digest off", JsonText.Strings(System.Text.Json.JsonSerializer.SerializeToElement(message, DrsBot.Slack.SlackJson.Options)), StringComparison.Ordinal);
    }
}
