using System.Text.Json;
using DrsBot.Tests.Fakes;

namespace DrsBot.Tests.EndToEnd;

/// <summary>Production logs as a log pipeline reads them: one JSON object a line, with who asked and DRS's request id.</summary>
[Trait("Category", "Slow")] // real DrsBot processes
public sealed class LogTests
{
    [Fact]
    public async Task Production_logs_are_json_lines_carrying_slack_ids_and_the_drs_request_id_but_no_secret()
    {
        await using var drs = new FakeDrs();
        await using var slack = new FakeSlack();
        await drs.StartAsync();
        await slack.StartAsync();
        drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40) with { Headers = new Dictionary<string, string> { ["X-Request-Id"] = "req-77" } });
        await using var bot = await BotProcess.StartAsync(BotProcess.Settings(drs,
            ("Slack:ApiBaseUrl", slack.ApiBaseUrl.ToString()), ("Logging:LogLevel:DrsBot", "Debug")));

        await bot.CommandAsync("job-1 cmp-1", "C0LOGS");
        await bot.StopAsync(); // every line it logged is written

        var lines = OutputLines(bot);
        Assert.All(lines, line => JsonDocument.Parse(line)); // every line is one JSON object
        var command = CommandLine(lines);
        Assert.Equal("T0TEAM", Scope(command, "SlackTeam"));
        Assert.Equal("C0LOGS", Scope(command, "SlackChannel"));
        Assert.Equal("U0ALICE", Scope(command, "SlackUser"));
        Assert.False(string.IsNullOrEmpty(Scope(command, "RequestId"))); // ties the command's lines to one HTTP request
        Assert.Contains(lines, l => Scope(JsonDocument.Parse(l).RootElement, "DrsRequestId") == "req-77");
        foreach (var secret in new[] { DrsBotApp.SigningSecret, DrsBotApp.BotToken, DrsBotApp.DrsToken })
        {
            Assert.DoesNotContain(secret, bot.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task At_default_levels_a_read_logs_no_line_and_a_pressed_change_logs_what_it_changed_with_who_asked()
    {
        await using var drs = new FakeDrs();
        await using var slack = new FakeSlack();
        await drs.StartAsync();
        await slack.StartAsync();
        drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40));
        await using var bot = await BotProcess.StartAsync(BotProcess.Settings(drs,
            ("Slack:ApiBaseUrl", slack.ApiBaseUrl.ToString()), ("Slack:ResponseUrlPrefixes:0", new Uri(slack.BaseUrl, "response/").ToString())));
        var responseUrl = slack.NewResponseUrl();

        await bot.CommandAsync("job-1 cmp-1", "C0BTN"); // a read: counted in drsbot_commands_total, not logged
        await bot.PressAsync(InteractionTests.Payload("drs.subscribe", "job-1:cmp-1", responseUrl, channel: "C0BTN"));
        await slack.WaitForAsync(m => m.Endpoint == responseUrl.AbsolutePath);
        await bot.StopAsync();

        var lines = OutputLines(bot).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.DoesNotContain(lines, e => e.GetProperty("Message").GetString()!.Contains("/drs-progress", StringComparison.Ordinal));
        var changed = lines.Single(e => e.GetProperty("Message").GetString()!.StartsWith("Subscribed C0BTN to", StringComparison.Ordinal));
        Assert.Equal("Information", changed.GetProperty("LogLevel").GetString());
        Assert.Equal("T0TEAM", Scope(changed, "SlackTeam"));
        Assert.Equal("C0BTN", Scope(changed, "SlackChannel"));
        Assert.Equal("U0ALICE", Scope(changed, "SlackUser"));
        Assert.False(string.IsNullOrEmpty(Scope(changed, "RequestId")));
    }

    [Fact]
    public async Task Logging_Console_settings_still_apply_to_the_json_lines()
    {
        await using var drs = new FakeDrs();
        await drs.StartAsync();
        drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40));
        // The built-in console logger's section, as operators set it.
        await using var bot = await BotProcess.StartAsync(BotProcess.Settings(drs, ("Logging:Console:LogLevel:DrsBot", "None")));

        await bot.CommandAsync("job-1 cmp-1", "C0LOGS");
        await bot.StopAsync();

        var categories = OutputLines(bot).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("Category").GetString()!).ToList();
        Assert.Contains("Microsoft.Hosting.Lifetime", categories); // the host's lines still come
        Assert.DoesNotContain(categories, c => c.StartsWith("DrsBot", StringComparison.Ordinal)); // DrsBot's are filtered out
    }

    /// <summary>A value from the line's scopes: the console's JSON formatter writes them as a list of objects.</summary>
    private static string? Scope(JsonElement line, string name) =>
        line.TryGetProperty("Scopes", out var scopes) && scopes.ValueKind == JsonValueKind.Array
            ? scopes.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty(name, out _))
                .Select(s => s.GetProperty(name).ToString()).FirstOrDefault()
            : null;

    private static List<string> OutputLines(BotProcess bot) =>
        [.. bot.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>The router's line for the command (logged at Debug): the one whose scope says who asked.</summary>
    private static JsonElement CommandLine(List<string> lines) => lines.Select(l => JsonDocument.Parse(l).RootElement)
        .First(e => e.GetProperty("Message").GetString()!.Contains("/drs-progress", StringComparison.Ordinal));
}
