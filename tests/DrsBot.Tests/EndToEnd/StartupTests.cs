using DrsBot.Tests.Fakes;
using Microsoft.Extensions.Options;

namespace DrsBot.Tests.EndToEnd;

public sealed class StartupTests
{
    [Fact]
    public async Task Production_with_missing_settings_refuses_to_start_and_names_the_keys()
    {
        await using var drs = new FakeDrs();
        await using var slack = new FakeSlack();
        await drs.StartAsync();
        await slack.StartAsync();
        await using var app = new DrsBotApp(drs, slack, new Dictionary<string, string?>
        {
            ["Slack:SigningSecret"] = "",
            ["Slack:BotToken"] = null,
            ["Drs:ProjectId"] = "",
            ["Drs:Auth:Token"] = "",
            ["Drs:Language"] = "fr-fr",
        });

        var error = Assert.ThrowsAny<Exception>(() => app.Server);
        var messages = Flatten(error);
        Assert.Contains("Slack:SigningSecret is required", messages, StringComparison.Ordinal);
        Assert.Contains("Drs:ProjectId is required", messages, StringComparison.Ordinal);
        Assert.Contains("Drs:Auth:Token is required", messages, StringComparison.Ordinal);
        Assert.Contains("Drs:Language must be en-us or zh-cn", messages, StringComparison.Ordinal);
    }

    private static string Flatten(Exception e) => e switch
    {
        OptionsValidationException o => string.Join("\n", o.Failures),
        AggregateException a => string.Join("\n", a.InnerExceptions.Select(Flatten)),
        _ => e.Message + "\n" + (e.InnerException is null ? "" : Flatten(e.InnerException)),
    };
}
