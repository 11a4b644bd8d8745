using System.Text.Json;
using DrsBot.Tests.Fakes;

namespace DrsBot.Tests.EndToEnd;

/// <summary><c>/drs-progress &lt;job_id&gt;</c>: the job and its comparisons, from DRS's ShowJobDetail.</summary>
public sealed class JobViewTests : EndToEndTest
{
    private const string Job = "9cbfd380-bdb1-43b2-9db9-3de2987jb201";

    private static IReadOnlyList<JsonElement> Actions(Reply reply) =>
        [.. reply.Blocks.Where(b => b.GetProperty("type").GetString() == "actions")];

    [Fact]
    public async Task Lists_the_jobs_comparisons_running_first_each_running_one_with_show_progress_and_subscribe()
    {
        Drs.ScriptJob(Job, DrsAnswer.JobDetail(Job, "orders <!channel> migration"), DrsAnswer.JobComparisons(3,
            ("cmp-done", "lines", "SUCCESSFUL"), ("cmp-rows", "lines", "RUNNING"), ("cmp-values", "contents", "INCRE_DOING")));

        var reply = await App.CommandAsync(Job);

        Assert.Contains("orders", reply.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("<!channel>", reply.AllText, StringComparison.Ordinal); // DRS's text is escaped, never a ping
        Assert.Contains("Incremental replication running", reply.AllText, StringComparison.Ordinal);
        Assert.Contains("mysql-to-mysql", reply.AllText, StringComparison.Ordinal);
        Assert.Contains("3 comparisons", reply.AllText, StringComparison.Ordinal);
        var text = reply.AllText;
        Assert.True(text.IndexOf("cmp-done", StringComparison.Ordinal) > text.IndexOf("cmp-values", StringComparison.Ordinal), "running ones first");

        var buttons = Actions(reply).SelectMany(a => a.GetProperty("elements").EnumerateArray())
            .Where(e => e.TryGetProperty("value", out _))
            .Select(e => (Id: e.GetProperty("action_id").GetString(), Value: e.GetProperty("value").GetString()))
            .ToList();
        Assert.Contains(("drs.show", $"{Job}:cmp-rows"), buttons);
        Assert.Contains(("drs.subscribe", $"{Job}:cmp-values"), buttons);
        Assert.DoesNotContain(buttons, b => b.Value!.EndsWith("cmp-done", StringComparison.Ordinal)); // finished: nothing to show
        Assert.Contains(("drs.job", Job), buttons);

        var paths = Drs.Requests.Select(r => r.Path).Order().ToList();
        Assert.Equal(
            [$"/v5/{DrsBotApp.ProjectId}/jobs/{Job}?type=compare&compare_type=data_compare&query_type=list&offset=0&limit=50",
             $"/v5/{DrsBotApp.ProjectId}/jobs/{Job}?type=detail",
             $"/v5/{DrsBotApp.ProjectId}/jobs/{Job}?type=progress"],
            paths);
    }

    [Theory]
    [InlineData("3200", "3", ":arrows_counterclockwise: incremental replication 3 seconds behind")]
    [InlineData("", "0", ":zap: incremental replication caught up")]
    [InlineData("7200000", "7200", ":warning: incremental replication about 2 hours behind")]
    public async Task The_job_view_shows_replication_health_beside_its_comparisons(string millis, string seconds, string shown)
    {
        Drs.ScriptJob(Job, DrsAnswer.JobDetail(Job, "orders"), DrsAnswer.JobComparisons(1, ("cmp-rows", "lines", "RUNNING")));
        var progress = new { progress = "100", incr_trans_delay = seconds, incr_trans_delay_millis = millis, task_mode = "FULL_INCR_TRANS", transfer_status = "<!here>" };
        Drs.ScriptJobProgress(Job, DrsAnswer.Ok(System.Text.Json.JsonSerializer.Serialize(new { job = new { id = Job, progress_info = progress } })));

        var reply = await App.CommandAsync(Job);

        Assert.Contains($"*Replication*: {shown}", reply.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("<!here>", reply.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_replication_progress_the_job_view_still_answers()
    {
        Drs.ScriptJob(Job, DrsAnswer.JobDetail(Job, "orders"), DrsAnswer.JobComparisons(1, ("cmp-rows", "lines", "RUNNING")));

        var reply = await App.CommandAsync(Job); // type=progress answers "not found" here

        Assert.Contains("cmp-rows", reply.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("*Replication*", reply.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_with_many_comparisons_shows_the_running_ones_and_says_how_many_more()
    {
        var tasks = Enumerable.Range(1, 14).Select(i => ($"old-{i}", "lines", "SUCCESSFUL"))
            .Append(("live-1", "lines", "RUNNING")).Append(("live-2", "contents", "FULL_DOING")).ToArray();
        Drs.ScriptJob(Job, DrsAnswer.JobDetail(Job, "big job"), DrsAnswer.JobComparisons(60, tasks));

        var reply = await App.CommandAsync(Job);

        Assert.Contains("60 comparisons", reply.AllText, StringComparison.Ordinal);
        Assert.Contains("2 running", reply.AllText, StringComparison.Ordinal);
        Assert.Contains("live-1", reply.AllText, StringComparison.Ordinal);
        Assert.Contains("live-2", reply.AllText, StringComparison.Ordinal);
        Assert.Contains("and 50 more", reply.AllText, StringComparison.Ordinal);
        Assert.True(reply.Blocks.Count <= 50);
    }

    [Theory]
    [InlineData(400, "DRS.M00202", "The value of jobId is invalid.")]
    [InlineData(400, "DRS.10000010", "Job does not exist, please check job ID.")]
    [InlineData(404, "APIGW.0101", "The API does not exist or has not been published in the environment.")]
    public async Task A_job_drs_will_not_show_gets_a_plain_answer_pointing_to_the_two_id_form(int status, string code, string message)
    {
        var refusal = new DrsAnswer(status, JsonSerializer.Serialize(new { error_code = code, error_msg = message }));
        Drs.ScriptJob(Job, refusal, refusal);

        var reply = await App.CommandAsync(Job);

        Assert.Contains("DRS did not show this job", reply.AllText, StringComparison.Ordinal);
        Assert.Contains($"/drs-progress {Job} &lt;compare_job_id&gt;", reply.AllText, StringComparison.Ordinal);
        Assert.Contains("MySQL→MySQL", reply.AllText, StringComparison.Ordinal);
        Assert.Contains(code, reply.AllText, StringComparison.Ordinal);
        Assert.Equal("ephemeral", reply.ResponseType);
    }

    [Fact]
    public async Task Details_refused_but_comparisons_listed_still_shows_the_comparisons()
    {
        Drs.ScriptJob(Job, DrsAnswer.ServerError(), DrsAnswer.JobComparisons(null, ("cmp-rows", "lines", "RUNNING")));

        var reply = await App.CommandAsync(Job);

        Assert.Contains("DRS did not give this job's details", reply.AllText, StringComparison.Ordinal);
        Assert.Contains("cmp-rows", reply.AllText, StringComparison.Ordinal);
        Assert.Single(Actions(reply), a => a.GetProperty("elements")[0].GetProperty("action_id").GetString() == "drs.show");
    }

    [Fact]
    public async Task Comparison_ids_from_drs_that_break_the_id_rules_are_shown_but_get_no_buttons()
    {
        Drs.ScriptJob(Job, DrsAnswer.JobDetail(Job, "j"), DrsAnswer.JobComparisons(null, ("../../v3/x", "lines", "RUNNING"), ("ok-1", "lines", "RUNNING")));

        var reply = await App.CommandAsync(Job);

        var values = Actions(reply).SelectMany(a => a.GetProperty("elements").EnumerateArray())
            .Select(e => e.TryGetProperty("value", out var v) ? v.GetString() : null).ToList();
        Assert.Contains($"{Job}:ok-1", values);
        Assert.DoesNotContain(values, v => v is not null && v.Contains("..", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("../../v3/jobs")]
    [InlineData("a%2F..%2Fb")]
    [InlineData("job?type=log")]
    [InlineData("job#x")]
    [InlineData("jób")]
    public async Task Hostile_job_ids_never_reach_drs(string id)
    {
        var reply = await App.CommandAsync(id);

        Assert.Contains("not a command or a valid DRS job id", reply.AllText, StringComparison.Ordinal);
        Assert.Empty(Drs.Requests);
    }

    [Fact]
    public async Task Show_progress_on_a_job_view_answers_with_the_card_as_a_new_message()
    {
        Drs.Script(Job, "cmp-rows", DrsAnswer.Progress(full: 42));
        var responseUrl = Slack.NewResponseUrl();

        using var pressed = await App.PostSignedAsync(InteractionTests.Payload("drs.show", $"{Job}:cmp-rows", responseUrl), path: "/slack/interactions");

        var card = await Slack.WaitForAsync(m => m.Endpoint == responseUrl.AbsolutePath);
        Assert.False(card.Body.TryGetProperty("replace_original", out var replace) && replace.GetBoolean());
        Assert.Contains("42 %", card.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_on_a_job_view_replaces_it()
    {
        Drs.ScriptJob(Job, DrsAnswer.JobDetail(Job, "renamed job"), DrsAnswer.JobComparisons(null));
        var responseUrl = Slack.NewResponseUrl();

        using var pressed = await App.PostSignedAsync(InteractionTests.Payload("drs.job", Job, responseUrl), path: "/slack/interactions");

        var view = await Slack.WaitForAsync(m => m.Endpoint == responseUrl.AbsolutePath);
        Assert.True(view.Body.GetProperty("replace_original").GetBoolean());
        Assert.Contains("renamed job", view.AllText, StringComparison.Ordinal);
        Assert.Contains("no data comparisons yet", view.AllText, StringComparison.Ordinal);
    }
}
