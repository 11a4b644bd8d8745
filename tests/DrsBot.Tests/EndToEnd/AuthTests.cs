using DrsBot.Drs;
using DrsBot.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DrsBot.Tests.EndToEnd;

public sealed class PasswordAuthTests : EndToEndTest
{
    private const string Domain = "acme";
    private const string User = "drsbot";
    private const string Password = "Pa55word-for-iam!";

    private readonly FakeIam _iam = new(Domain, User, Password, DrsBotApp.ProjectId);
    private readonly HashSet<string> _valid = [];

    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Drs:Auth:Mode"] = "Password",
        ["Drs:Auth:Token"] = null,
        ["Drs:Auth:IamEndpoint"] = _iam.BaseUrl.ToString(),
        ["Drs:Auth:DomainName"] = Domain,
        ["Drs:Auth:UserName"] = User,
        ["Drs:Auth:Password"] = Password,
    };

    public override async Task InitializeAsync()
    {
        await _iam.StartAsync();
        await base.InitializeAsync();
        Drs.Authorize = request => { lock (_valid) { return _valid.Contains(request.Headers["X-Auth-Token"].ToString()); } };
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 64));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _iam.DisposeAsync();
    }

    private void Accept(string token)
    {
        lock (_valid)
        {
            _valid.Clear();
            _valid.Add(token);
        }
    }

    [Fact]
    public async Task Twenty_concurrent_commands_share_one_token()
    {
        Accept("token-1");

        var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => App.CommandAsync("job-1 cmp-1")));

        Assert.All(replies, r => Assert.Contains("64 %", r.AllText, StringComparison.Ordinal));
        Assert.Equal(1, _iam.Requests);
        Assert.All(Drs.Requests, r => Assert.Equal("token-1", r.Headers["X-Auth-Token"]));
    }

    [Fact]
    public async Task A_token_drs_stops_accepting_is_refreshed_once_and_the_call_retried()
    {
        Accept("token-1");
        await App.CommandAsync("job-1 cmp-1");
        Accept("token-2"); // e.g. the IAM user's password was rotated and the old token revoked

        var reply = await App.CommandAsync("job-1 cmp-1");

        Assert.Contains("64 %", reply.AllText, StringComparison.Ordinal);
        Assert.Equal(2, _iam.Issued);
        Assert.Equal(["token-1", "token-1", "token-2"], Drs.Requests.Select(r => r.Headers["X-Auth-Token"]));
    }

    [Fact]
    public async Task A_wrong_password_is_a_credentials_reply_naming_drs_auth()
    {
        await using var app = new DrsBotApp(Drs, Slack, new Dictionary<string, string?>(Overrides) { ["Drs:Auth:Password"] = "Wr0ng-Pa55-777" });

        var reply = await app.CommandAsync("job-1 cmp-1");

        Assert.Contains("credentials were rejected", reply.Text, StringComparison.Ordinal);
        Assert.Contains("Drs:Auth", reply.AllText, StringComparison.Ordinal);
        Assert.Contains("1101", reply.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("Wr0ng-Pa55-777", reply.AllText, StringComparison.Ordinal);
        Assert.Empty(Drs.Requests);
    }
}

public sealed class AkSkAuthTests : EndToEndTest
{
    private const string AccessKey = "QTWAOYTTINDUT2QVKYUC";
    private const string SecretKey = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";
    private const string SecurityToken = "temporary-security-token-xyz";

    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Drs:Auth:Mode"] = "AkSk",
        ["Drs:Auth:Token"] = null,
        ["Drs:Auth:AccessKey"] = AccessKey,
        ["Drs:Auth:SecretKey"] = SecretKey,
        ["Drs:Auth:SecurityToken"] = SecurityToken,
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Drs.Authorize = request => AkSkVerifier.Verify(request, AccessKey, SecretKey, DateTimeOffset.UtcNow);
        Drs.Script("job-1", "cmp-1", DrsAnswer.Ok(FakeDrs.ApiPageExample));
    }

    [Fact]
    public async Task Signed_requests_pass_an_independent_verifier()
    {
        var reply = await App.CommandAsync("job-1 cmp-1");

        Assert.Contains("951de1d2-61ee-11f0-8081-fa163ef20ddd:51", reply.AllText, StringComparison.Ordinal);
        var request = Assert.Single(Drs.Requests);
        Assert.Equal(DrsBotApp.ProjectId, request.Headers["X-Project-Id"]);
        Assert.Equal(SecurityToken, request.Headers["X-Security-Token"]);
        Assert.Contains("x-security-token", request.Headers["Authorization"], StringComparison.Ordinal);
        Assert.False(request.Headers.ContainsKey("X-Auth-Token"));
    }

    [Fact]
    public async Task A_wrong_secret_key_gives_the_credentials_reply_within_three_seconds()
    {
        await using var app = new DrsBotApp(Drs, Slack, new Dictionary<string, string?>(Overrides) { ["Drs:Auth:SecretKey"] = "not-the-secret-key" });

        var started = DateTime.UtcNow;
        var reply = await app.CommandAsync("job-1 cmp-1");

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3));
        Assert.Contains("credentials were rejected", reply.Text, StringComparison.Ordinal);
        Assert.Contains("Ask whoever runs DrsBot to check `Drs:Auth`", reply.AllText, StringComparison.Ordinal);
        Assert.Contains("APIG.0301", reply.AllText, StringComparison.Ordinal);
        Assert.Contains("req-401", reply.AllText, StringComparison.Ordinal);
        Assert.Single(Drs.Requests); // a rejected signature is not retried
    }
}

public sealed class ResilienceTests : EndToEndTest
{
    [Fact]
    public async Task An_answer_that_stalls_mid_body_is_an_attempt_timing_out_and_is_retried()
    {
        await using var app = new DrsBotApp(Drs, Slack, new Dictionary<string, string?> { ["Drs:InteractiveAttemptTimeout"] = "00:00:00.500" });
        Drs.Script("job-1", "cmp-1", DrsAnswer.StallsMidBody(), DrsAnswer.Progress(full: 41));

        var reply = await app.CommandAsync("job-1 cmp-1");

        Assert.Contains("41 %", reply.AllText, StringComparison.Ordinal);
        Assert.Equal(2, Drs.CallsFor("job-1", "cmp-1"));
    }

    [Fact]
    public async Task Answers_that_all_stall_mid_body_end_in_did_not_answer_in_time_within_the_budget()
    {
        await using var app = new DrsBotApp(Drs, Slack, new Dictionary<string, string?>
        {
            ["Drs:InteractiveAttemptTimeout"] = "00:00:00.300",
            ["Drs:InteractiveTimeout"] = "00:00:01.500",
        });
        Drs.Script("job-1", "cmp-1", DrsAnswer.StallsMidBody(), DrsAnswer.StallsMidBody(), DrsAnswer.StallsMidBody());

        var reply = await app.CommandAsync("job-1 cmp-1");

        Assert.Contains("DRS did not answer in time", reply.AllText, StringComparison.Ordinal);
        Assert.Equal(3, Drs.CallsFor("job-1", "cmp-1"));
    }

    [Fact]
    public async Task Throttling_with_retry_after_is_retried_then_succeeds()
    {
        Drs.Script("job-1", "cmp-1",
            new DrsAnswer(429, """{"error_code":"APIG.0308","error_msg":"The throttling threshold has been reached: policy user over ratelimit"}""",
                Headers: new Dictionary<string, string> { ["Retry-After"] = "1" }),
            DrsAnswer.Progress(full: 30));

        var reply = await App.CommandAsync("job-1 cmp-1");

        Assert.Contains("30 %", reply.AllText, StringComparison.Ordinal);
        Assert.Equal(2, Drs.CallsFor("job-1", "cmp-1"));
    }

    [Fact]
    public async Task Gateway_throttling_as_a_400_apig_0308_is_retried_too()
    {
        Drs.Script("job-1", "cmp-1",
            new DrsAnswer(400, """{"code":"APIG.0308","message":"policy user over ratelimit"}"""),
            DrsAnswer.Progress(full: 31));

        var reply = await App.CommandAsync("job-1 cmp-1");

        Assert.Contains("31 %", reply.AllText, StringComparison.Ordinal);
        Assert.Equal(2, Drs.CallsFor("job-1", "cmp-1"));
    }

    [Fact]
    public async Task Server_errors_are_retried_then_succeed()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.ServerError(), new DrsAnswer(503, ""), DrsAnswer.Progress(full: 32));

        var reply = await App.CommandAsync("job-1 cmp-1");

        Assert.Contains("32 %", reply.AllText, StringComparison.Ordinal);
        Assert.Equal(3, Drs.CallsFor("job-1", "cmp-1"));
    }

    [Fact]
    public async Task Other_4xx_are_never_retried()
    {
        Drs.Script("job-1", "cmp-1", new DrsAnswer(400, """{"error_code":"DRS.10040001","error_msg":"bad"}"""), DrsAnswer.Progress(full: 1));

        await App.CommandAsync("job-1 cmp-1");

        Assert.Equal(1, Drs.CallsFor("job-1", "cmp-1"));
    }

    [Fact]
    public async Task A_persistent_outage_opens_the_breaker_and_replies_stay_fast_and_clear()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.ServerError());

        var times = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            var started = DateTime.UtcNow;
            var reply = await App.CommandAsync("job-1 cmp-1");
            times.Add(DateTime.UtcNow - started);
            Assert.True(reply.Text.Contains("internal error", StringComparison.Ordinal) || reply.Text.Contains("could not be reached", StringComparison.Ordinal), reply.Text);
        }

        Assert.All(times, t => Assert.True(t < TimeSpan.FromSeconds(3), $"{t}"));
        var calls = Drs.CallsFor("job-1", "cmp-1");
        Assert.True(calls < 20, $"{calls} calls: the breaker should have stopped the retries piling up");
    }
}

public sealed class RegionTests
{
    [Fact]
    public void A_region_derives_both_endpoints()
    {
        var options = new DrsOptions { Region = "ap-southeast-1" };
        Assert.Equal(new Uri("https://drs.ap-southeast-1.myhuaweicloud.com"), options.ResolvedEndpoint);
        Assert.Equal(new Uri("https://iam.ap-southeast-1.myhuaweicloud.com"), options.ResolvedIamEndpoint);
    }

    [Fact]
    public void Explicit_endpoints_win_over_the_region()
    {
        var options = new DrsOptions
        {
            Region = "eu-west-101",
            Endpoint = new Uri("https://drs.eu-west-101.myhuaweicloud.eu"),
            Auth = { IamEndpoint = new Uri("https://iam.eu-west-101.myhuaweicloud.eu") },
        };
        Assert.Equal("drs.eu-west-101.myhuaweicloud.eu", options.ResolvedEndpoint!.Host);
        Assert.Equal("iam.eu-west-101.myhuaweicloud.eu", options.ResolvedIamEndpoint.Host);
    }
}
