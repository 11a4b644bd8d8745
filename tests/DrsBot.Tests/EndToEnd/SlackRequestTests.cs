using System.Net;
using System.Text;
using DrsBot.Tests.Deployment;
using DrsBot.Tests.Fakes;

namespace DrsBot.Tests.EndToEnd;

/// <summary>Everything that is not a well-formed, signed, recent request from Slack is refused before any work.</summary>
public sealed class SlackRequestTests : EndToEndTest
{
    private static string Body => DrsBotApp.CommandBody("job-1 cmp-1");

    [Fact]
    public async Task Unsigned_requests_get_a_bare_401_and_no_drs_call()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/commands")
        {
            Content = new StringContent(Body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        using var response = await App.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        Assert.Empty(Drs.Requests);
    }

    [Fact]
    public async Task Stale_requests_are_replays_and_get_401()
    {
        var old = DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds();
        using var response = await App.PostSignedAsync(Body, timestamp: old);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(Drs.Requests);
    }

    [Fact]
    public async Task Requests_signed_with_another_secret_get_401()
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var response = await App.PostSignedAsync(Body, ts, DrsBotApp.Sign(Body, ts, "someone-elses-secret"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(Drs.Requests);
    }

    [Fact]
    public async Task Oversized_bodies_get_413_before_being_read_in_full()
    {
        var body = Body + "&padding=" + new string('a', 40 * 1024);
        using var response = await App.PostSignedAsync(body);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(Drs.Requests);
    }

    [Fact]
    public async Task Ssl_check_gets_an_empty_200()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/commands")
        {
            Content = new StringContent("ssl_check=1&token=abc", Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        using var response = await App.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Signed_but_not_a_form_gets_415()
    {
        var body = """{"text":"job-1 cmp-1"}""";
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/commands")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Slack-Request-Timestamp", ts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("X-Slack-Signature", DrsBotApp.Sign(body, ts));
        using var response = await App.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Empty(Drs.Requests);
    }

    [Theory]
    [InlineData("%%%garbage&&&=")]
    [InlineData("text=%E0%A4%A")]
    [InlineData("")]
    public async Task Signed_garbage_gets_a_friendly_reply_not_a_500(string body)
    {
        using var response = await App.PostSignedAsync(body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(Drs.Requests);
    }

    [Fact]
    public async Task Two_hundred_random_signed_bodies_never_get_a_500_or_reach_drs()
    {
        var random = new Random(20261128);
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_ =&%+/?#.<>@!|^\u0000\u00e9\u4e2d";
        for (var i = 0; i < 200; i++)
        {
            var text = new string([.. Enumerable.Range(0, random.Next(0, 120)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            var body = random.Next(3) switch
            {
                0 => text, // not even a form
                1 => DrsBotApp.CommandBody(text),
                _ => "text=" + text + "&channel_id=" + text + "&response_url=" + text,
            };

            using var response = await App.PostSignedAsync(body);
            Assert.True((int)response.StatusCode is 200 or 413, $"{(int)response.StatusCode} for {body}");
        }

        // Only well-formed ids reach DRS: two make a progress query, one a job view.
        Assert.All(Drs.Requests, r => Assert.Matches(
            @"^(/v5/[^/]+/jobs/[A-Za-z0-9_-]+(/compare-progress/[A-Za-z0-9_-]+|\?type=detail|\?type=progress|\?type=compare&compare_type=data_compare&query_type=list&offset=0&limit=50" +
            @"|\?type=compare&compare_type=(line|content)_compare&query_type=detail&compare_task_id=[A-Za-z0-9_-]+&offset=[0-9]+&limit=100)" +
            @"|/v3/[^/]+/jobs/[A-Za-z0-9_-]+/compare/[A-Za-z0-9_-]+/(line|content)-detail\?offset=[0-9]+&limit=100)$", r.Path));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Other_methods_get_405(string method)
    {
        using var response = await App.CreateClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), "/slack/commands"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task Healthz_answers_200() =>
        Assert.Equal(HttpStatusCode.OK, (await App.CreateClient().GetAsync("/healthz")).StatusCode);
}

public sealed class AllowedTeamsTests : EndToEndTest
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Slack:AllowedTeamIds:0"] = "T0ALLOWED",
    };

    [Fact]
    public async Task Another_workspace_gets_a_polite_refusal_and_no_drs_call()
    {
        var reply = await App.CommandAsync("job-1 cmp-1", team: "T0STRANGER");
        Assert.Contains("not enabled for this workspace", reply.Text, StringComparison.Ordinal);
        Assert.Empty(Drs.Requests);
    }

    [Fact]
    public async Task A_listed_workspace_is_served()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 50));
        var reply = await App.CommandAsync("job-1 cmp-1", team: "T0ALLOWED");
        Assert.Contains("50 %", reply.AllText, StringComparison.Ordinal);
    }
}
