using System.Net;
using DrsBot.Tests.Deployment;
using DrsBot.Tests.Fakes;

namespace DrsBot.Tests.EndToEnd;

public sealed class ProgressCommandTests : EndToEndTest
{
    private const string Job = "9cbfd380-bdb1-43b2-9db9-3de2987jb201";
    private const string Compare = "b13b233a-4b9e-4b06-a928-19a0c93f6109";

    [Fact]
    public async Task Renders_the_api_pages_example_with_every_value_visible()
    {
        Drs.Script(Job, Compare, DrsAnswer.Ok(FakeDrs.ApiPageExample));

        var reply = await App.CommandAsync($"{Job} {Compare}");

        Assert.Equal("ephemeral", reply.ResponseType);
        Assert.NotEmpty(reply.Text);
        var all = reply.AllText;
        Assert.Contains("100 %", all, StringComparison.Ordinal);
        Assert.Contains("██████████", all, StringComparison.Ordinal);
        Assert.Contains("0.00B/s", all, StringComparison.Ordinal);
        Assert.Contains("9.58 s", all, StringComparison.Ordinal);
        Assert.Contains("10 seconds behind", all, StringComparison.Ordinal);
        Assert.Contains("951de1d2-61ee-11f0-8081-fa163ef20ddd:51", all, StringComparison.Ordinal);
        Assert.Contains("*Rows to recheck*\n0", all, StringComparison.Ordinal);
        Assert.Contains("*Rows per second*\n0", all, StringComparison.Ordinal);
        Assert.Contains("Global speed", all, StringComparison.Ordinal);
        Assert.Contains(Job, all, StringComparison.Ordinal);
        Assert.Contains(Compare, all, StringComparison.Ordinal);
        Assert.Equal("header", reply.Blocks[0].GetProperty("type").GetString());
        Assert.Equal("context", reply.Blocks[^2].GetProperty("type").GetString());
        Assert.Equal("actions", reply.Blocks[^1].GetProperty("type").GetString()); // Refresh, Subscribe
        Assert.Equal(1, Drs.CallsFor(Job, Compare));
    }

    [Fact]
    public async Task The_reply_declares_its_length_so_it_goes_out_whole_rather_than_chunked()
    {
        Drs.Script(Job, Compare, DrsAnswer.Ok(FakeDrs.ApiPageExample));

        using var response = await App.PostSignedAsync(DrsBotApp.CommandBody($"{Job} {Compare}"));
        var body = await response.Content.ReadAsByteArrayAsync();

        // The header as sent (HttpClient would otherwise work a length out from the buffered body).
        Assert.True(response.Content.Headers.NonValidated.TryGetValues("Content-Length", out var declared));
        Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), declared.ToString());
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        BlockKit.AssertValid(System.Text.Json.JsonDocument.Parse(body).RootElement);
    }

    [Fact]
    public async Task The_drs_request_carries_the_three_headers_and_the_project()
    {
        Drs.Script(Job, Compare, DrsAnswer.Ok(FakeDrs.ApiPageExample));

        await App.CommandAsync($"{Job} {Compare}");

        var request = Assert.Single(Drs.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal($"/v5/{DrsBotApp.ProjectId}/jobs/{Job}/compare-progress/{Compare}", request.Path);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal(DrsBotApp.DrsToken, request.Headers["X-Auth-Token"]);
        Assert.Equal("en-us", request.Headers["X-Language"]);
    }

    [Fact]
    public async Task Task_not_found_is_a_friendly_error_with_code_message_and_request_id()
    {
        Drs.Script(Job, Compare, DrsAnswer.NotFound());

        var reply = await App.CommandAsync($"{Job} {Compare}");

        Assert.Contains("DRS has no such comparison", reply.Text, StringComparison.Ordinal);
        Assert.Contains("DRS.10000010", reply.AllText, StringComparison.Ordinal);
        Assert.Contains("Task information not found.", reply.AllText, StringComparison.Ordinal);
        Assert.Contains("req-404", reply.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", reply.AllText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(401, """{"code":"APIG.0301","message":"Incorrect IAM authentication information"}""", "credentials were rejected", "APIG.0301")]
    [InlineData(403, """{"error_code":"DRS.M00102","error_msg":"no permission"}""", "credentials were rejected", "DRS.M00102")]
    [InlineData(503, """{"error_code":"APIG.1009","error_msg":"backend unavailable"}""", "internal error", "APIG.1009")]
    [InlineData(200, "<html>proxy error</html>", "could not read", "HTTP status")]
    [InlineData(502, "<html>bad gateway</html>", "internal error", "not JSON")]
    [InlineData(400, """{"error_code":"DRS.10040001","error_msg":"Comparison is not running."}""", "refused", "Comparison is not running.")]
    public async Task Drs_errors_become_replies_a_person_can_act_on(int status, string body, string title, string detail)
    {
        Drs.Script(Job, Compare, new DrsAnswer(status, body, Headers: new Dictionary<string, string> { ["X-Request-Id"] = "req-e" }));

        var reply = await App.CommandAsync($"{Job} {Compare}");

        Assert.Contains(title, reply.Text, StringComparison.Ordinal);
        Assert.Contains(detail, reply.AllText, StringComparison.Ordinal);
        Assert.Contains("req-e", reply.AllText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}", "no progress")]
    [InlineData("{\"full_info\": null, \"incre_info\": null}", "no progress")]
    [InlineData("{\"full_info\": {}}", "Full comparison")]
    [InlineData("{\"full_info\": {\"progress\": \"57.5\"}}", "57.5 %")]
    [InlineData("{\"full_info\": {\"progress\": 250}}", "100 %")]
    [InlineData("{\"full_info\": {\"progress\": -3}}", "0 %")]
    [InlineData("{\"full_info\": {\"progress\": \"abc\"}}", "could not read")]
    [InlineData("{\"full_info\": []}", "could not read")]
    [InlineData("[]", "could not read")]
    [InlineData("", "could not read")]
    [InlineData("{\"full_info\": {\"progress\": 1e400}}", "could not read")]
    [InlineData("{\"incre_info\": {\"log_point\": \"<!channel> *x* `y`\", \"delay\": 1}, \"extra\": {\"nested\": [1,2,3]}}", "&lt;!channel&gt;")]
    public async Task Odd_answers_from_drs_still_give_a_valid_reply(string body, string expected)
    {
        Drs.Script(Job, Compare, new DrsAnswer(200, body));

        var reply = await App.CommandAsync($"{Job} {Compare}");

        Assert.Contains(expected, reply.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("<!channel>", reply.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drs_down_is_explained_within_the_budget()
    {
        await Drs.DisposeAsync(); // nothing listens on that port any more
        await App.WarmUpAsync();

        var started = DateTime.UtcNow;
        var reply = await App.CommandAsync($"{Job} {Compare}");

        Assert.Contains("could not be reached", reply.Text, StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Slow_drs_gets_an_immediate_acknowledgement_then_the_answer_on_response_url()
    {
        Drs.Script(Job, Compare, DrsAnswer.Ok(FakeDrs.ApiPageExample) with { Delay = TimeSpan.FromSeconds(3) });
        // The 3 s answer must fit one attempt even when a saturated machine delays it by seconds (the default 5 s did
        // not, once, with six test classes running): what is asked here is the acknowledgement and the follow-up.
        // Half a second of reply budget, and a host that has answered once already: what is measured is that the
        // acknowledgement does not wait for DRS, with seconds to spare for a saturated CI machine, not how fast a cold
        // host JITs its first command (2.85 s once, on CI's two busy cores, against the 2 s default budget).
        await using var app = new DrsBotApp(Drs, Slack, new Dictionary<string, string?>
        {
            ["Drs:InteractiveAttemptTimeout"] = "00:00:09",
            ["Slack:ReplyBudget"] = "00:00:00.500",
        });
        await app.WarmUpAsync();
        var responseUrl = Slack.NewResponseUrl();

        var started = DateTime.UtcNow;
        var reply = await app.CommandAsync($"{Job} {Compare}", responseUrl: responseUrl);
        var answeredIn = DateTime.UtcNow - started;

        Assert.Contains("Fetching progress", reply.Text, StringComparison.Ordinal);
        Assert.True(answeredIn < TimeSpan.FromSeconds(2.8), $"acknowledged after {answeredIn}");
        Assert.Empty(Slack.ToResponseUrl(responseUrl));

        var followUp = await Slack.WaitForAsync(m => m.Endpoint == responseUrl.AbsolutePath);
        Assert.Contains("951de1d2-61ee-11f0-8081-fa163ef20ddd:51", followUp.AllText, StringComparison.Ordinal);
        Assert.True(followUp.Body.GetProperty("replace_original").GetBoolean());
        Assert.Single(Slack.ToResponseUrl(responseUrl));
    }

    [Theory]
    [InlineData("../../v5 x")]
    [InlineData("a/b c")]
    [InlineData("a b?x=1")]
    [InlineData("a%2F..%2F b")]
    [InlineData("a b#frag")]
    [InlineData("a\tb\tc")]
    [InlineData("ａ b")]
    [InlineData("a\u0007 b")]
    public async Task Hostile_ids_are_refused_without_calling_drs(string text)
    {
        var reply = await App.CommandAsync(text);

        Assert.Equal("ephemeral", reply.ResponseType);
        Assert.Contains("/drs-progress &lt;job_id&gt; &lt;compare_job_id&gt;", reply.AllText, StringComparison.Ordinal);
        Assert.Empty(Drs.Requests);
    }

    [Fact]
    public async Task Help_and_empty_text_show_usage()
    {
        foreach (var text in new[] { "", "help" })
        {
            var reply = await App.CommandAsync(text);
            Assert.Contains("subscribe", reply.AllText, StringComparison.Ordinal);
        }

        Assert.Empty(Drs.Requests);
    }

    /// <summary>Issue 30: the reply budget is read from Slack:ReplyBudget, and Drs:InteractiveBudget (its old key) still works.</summary>
    [Theory]
    [InlineData("Slack:ReplyBudget")]
    [InlineData("Drs:InteractiveBudget")]
    public async Task A_slow_drs_past_the_reply_budget_gets_an_acknowledgement_then_the_answer(string key)
    {
        Drs.Script(Job, Compare, DrsAnswer.Ok(FakeDrs.ApiPageExample) with { Delay = TimeSpan.FromSeconds(1) });
        await using var app = new DrsBotApp(Drs, Slack, new Dictionary<string, string?> { [key] = "00:00:00.300" });
        var url = Slack.NewResponseUrl();

        var ack = await app.CommandAsync($"{Job} {Compare}", responseUrl: url);

        Assert.Contains("Fetching", ack.Text, StringComparison.Ordinal);
        var answer = await Slack.WaitForAsync(m => m.Endpoint == url.AbsolutePath);
        Assert.Contains("100 %", answer.AllText, StringComparison.Ordinal);
    }
}
