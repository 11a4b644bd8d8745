using DrsBot.Tests.Fakes;
using DrsBot.Watching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DrsBot.Tests.EndToEnd;

/// <summary>
/// A whole session (commands, slow answers, polls, DRS and Slack failures, a forged request) with every log
/// line captured at Trace level: none of the configured secrets may appear in logs, replies or messages.
/// </summary>
public sealed class SecretsTests
{
    private const string Password = "IamPassword-SECRET-1";
    private const string SecretKey = "AkskSecretKey-SECRET-2";
    private const string SecurityToken = "SecurityToken-SECRET-3";
    private const string StaticToken = "StaticToken-SECRET-4";

    // A second DRS profile, its own secrets, the same mode, another account: its calls must not leak them either.
    private const string OtherPassword = "OtherPassword-SECRET-5", OtherSecretKey = "OtherSecretKey-SECRET-6", OtherToken = "OtherToken-SECRET-7";

    public static TheoryData<string> Modes => new() { "Token", "Password", "AkSk" };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task No_secret_reaches_a_log_a_reply_or_a_message(string mode)
    {
        await using var drs = new FakeDrs();
        await using var slack = new FakeSlack();
        await using var iam = new FakeIam("acme", "bot", Password, DrsBotApp.ProjectId);
        await using var otherIam = new FakeIam("other", "bot", OtherPassword, "other0project") { Delay = TimeSpan.Zero };
        await drs.StartAsync();
        await slack.StartAsync();
        await iam.StartAsync();
        await otherIam.StartAsync();

        var logs = new CapturingLoggerProvider();
        var settings = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Trace",
            ["Logging:LogLevel:Hangfire"] = "Trace",
            ["Drs:Auth:Mode"] = mode,
            ["Drs:Auth:Token"] = StaticToken,
            ["Drs:Auth:IamEndpoint"] = iam.BaseUrl.ToString(),
            ["Drs:Auth:DomainName"] = "acme",
            ["Drs:Auth:UserName"] = "bot",
            ["Drs:Auth:Password"] = Password,
            ["Drs:Auth:AccessKey"] = "AKPUBLIC",
            ["Drs:Auth:SecretKey"] = SecretKey,
            ["Drs:Auth:SecurityToken"] = SecurityToken,
            ["Drs:InteractiveBudget"] = "00:00:00.300",
            ["Drs:Profiles:other:Endpoint"] = drs.BaseUrl.ToString(),
            ["Drs:Profiles:other:ProjectId"] = "other0project",
            ["Drs:Profiles:other:Auth:Mode"] = mode,
            ["Drs:Profiles:other:Auth:Token"] = OtherToken,
            ["Drs:Profiles:other:Auth:IamEndpoint"] = otherIam.BaseUrl.ToString(),
            ["Drs:Profiles:other:Auth:DomainName"] = "other",
            ["Drs:Profiles:other:Auth:UserName"] = "bot",
            ["Drs:Profiles:other:Auth:Password"] = OtherPassword,
            ["Drs:Profiles:other:Auth:AccessKey"] = "AKOTHER",
            ["Drs:Profiles:other:Auth:SecretKey"] = OtherSecretKey,
        };
        await using var app = new DrsBotApp(drs, slack, settings)
        {
            ConfigureTestServices = services => services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)),
        };

        drs.Script("job-1", "cmp-1",
            DrsAnswer.Progress(full: 10) with { Delay = TimeSpan.FromMilliseconds(600) },
            DrsAnswer.Progress(full: 50),
            DrsAnswer.ServerError(), DrsAnswer.ServerError(), DrsAnswer.ServerError(), DrsAnswer.ServerError(),
            DrsAnswer.Progress(full: 100, fullRecheck: 2));

        var replies = new List<Reply>();
        var responseUrl = slack.NewResponseUrl();
        replies.Add(await app.CommandAsync("job-1 cmp-1", responseUrl: responseUrl)); // slow: goes via response_url
        await slack.WaitForAsync(m => m.Endpoint == responseUrl.AbsolutePath);
        replies.Add(await app.CommandAsync("subscribe job-1 cmp-1 <!here>", channel: "C0SEC"));
        replies.Add(await app.CommandAsync("job-x cmp-x"));
        replies.Add(await app.CommandAsync("other:job-2 cmp-2")); // the other profile: not found, its auth used all the same
        replies.Add(await app.CommandAsync("list", channel: "C0SEC"));
        using (var forged = await app.PostSignedAsync(DrsBotApp.CommandBody("job-1 cmp-1"), signature: "v0=" + new string('0', 64)))
        {
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, forged.StatusCode);
        }

        slack.RateLimitNext(1);
        for (var i = 0; i < 3; i++)
        {
            await app.Services.GetRequiredService<PollDispatcher>().PollNowAsync(new ComparisonRef("job-1", "cmp-1"));
        }

        replies.Add(await app.CommandAsync("unsubscribe job-1 cmp-1", channel: "C0SEC"));
        Assert.NotEmpty(slack.Messages);
        Assert.True(logs.Lines.Count > 50, $"only {logs.Lines.Count} log lines: is Trace logging really on?");

        var everything = string.Join("\n", logs.All, string.Join("\n", replies.Select(r => r.Body.ToString())),
            string.Join("\n", slack.Messages.Select(m => m.Body.ToString())));
        Assert.Contains(drs.Requests, r => r.Path.StartsWith("/v5/other0project/", StringComparison.Ordinal));
        foreach (var secret in new[] { Password, SecretKey, SecurityToken, StaticToken, OtherPassword, OtherSecretKey, OtherToken, DrsBotApp.SigningSecret, DrsBotApp.BotToken, "token-1" })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(responseUrl.AbsolutePath, logs.All, StringComparison.Ordinal);
    }
}
