using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DrsBot.Tests.Deployment;
using DrsBot.Tests.Fakes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DrsBot.Tests.Demo;

public sealed class DemoTests : IAsyncLifetime
{
    private readonly DemoApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_simulator_answers_over_http_in_drs_shapes()
    {
        using var http = _app.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, "simulator/drs/v5/demo-project/jobs/demo-job/compare-progress/dynamic-cmp");
        request.Headers.Add("X-Auth-Token", "anything");
        var progress = await (await http.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(100, progress.GetProperty("full_info").GetProperty("progress").GetDouble());
        Assert.True(progress.GetProperty("incre_info").GetProperty("delay").GetDouble() > 0);

        using var unknown = new HttpRequestMessage(HttpMethod.Get, "simulator/drs/v5/demo-project/jobs/demo-job/compare-progress/nope");
        unknown.Headers.Add("X-Auth-Token", "anything");
        using var response = await http.SendAsync(unknown);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("DRS.10000010", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_code").GetString());
        Assert.True(response.Headers.Contains("X-Request-Id"));
    }

    [Fact]
    public async Task A_console_command_goes_through_the_real_pipeline_to_the_simulator()
    {
        await _app.SendAsync("demo-job full-cmp");

        var reply = await _app.WaitForEntryAsync(e => DemoApp.Kind(e) == "ephemeral", TimeSpan.FromSeconds(10));
        Assert.Contains("comparison full-cmp", DemoApp.Text(reply), StringComparison.Ordinal);
        Assert.Contains("Full comparison", reply.GetProperty("message").GetProperty("blocks").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_demo_starts_with_the_job_view_listing_every_scenario()
    {
        await _app.SendAsync("demo-job");

        var reply = await _app.WaitForEntryAsync(e => DemoApp.Kind(e) == "ephemeral", TimeSpan.FromSeconds(10));
        var blocks = reply.GetProperty("message").GetProperty("blocks").ToString();
        Assert.Contains("orders-db to cloud (demo)", blocks, StringComparison.Ordinal);
        Assert.All(new[] { "full-cmp", "dynamic-cmp", "recheck-cmp", "flaky-cmp", "fast-cmp", "objects-cmp" },
            id => Assert.Contains(id, blocks, StringComparison.Ordinal));
        Assert.Contains("demo-job:fast-cmp", blocks, StringComparison.Ordinal); // its Show progress / Subscribe buttons
    }

    [Fact]
    public async Task The_console_lists_the_simulators_scenarios_to_try()
    {
        using var http = _app.Http();
        var ids = (await http.GetFromJsonAsync<JsonElement>("console/api/scenarios")).EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToArray();
        Assert.Equal(["full-cmp", "dynamic-cmp", "recheck-cmp", "flaky-cmp", "fast-cmp", "slow-cmp"], ids);
    }

    [Fact]
    public async Task The_console_is_served_at_the_root()
    {
        using var http = _app.Http();
        var html = await http.GetStringAsync("/");
        Assert.Contains("<title>DrsBot · local console</title>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_subscription_to_the_fast_scenario_notifies_the_console_channel()
    {
        await _app.SendAsync("subscribe demo-job fast-cmp");
        var subscribed = await _app.WaitForEntryAsync(e => DemoApp.Kind(e) == "in_channel", TimeSpan.FromSeconds(10));
        Assert.Contains("Subscribed this channel", DemoApp.Text(subscribed), StringComparison.Ordinal);

        // fast-cmp reaches 100 % ten seconds after start; polls run every 5 s in Development.
        var complete = await _app.WaitForEntryAsync(
            e => DemoApp.Kind(e) == "channel" && !DemoApp.Text(e).StartsWith("Watching comparison", StringComparison.Ordinal), TimeSpan.FromSeconds(40));
        Assert.Contains("Full comparison complete", DemoApp.Text(complete), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_from_real_slack_still_need_the_signature()
    {
        using var http = _app.Http();
        using var response = await http.PostAsync("slack/commands", new StringContent(DrsBotApp.CommandBody("demo-job full-cmp"), System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

public sealed class ProductionWithoutSettingsTests
{
    private sealed class EmptyProduction : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.UseEnvironment("Production");
    }

    [Fact]
    public async Task The_same_empty_settings_in_production_refuse_to_start_and_name_the_keys()
    {
        await using var app = new EmptyProduction();

        var error = Assert.ThrowsAny<Exception>(() => app.Server);

        var text = error.ToString();
        foreach (var key in new[] { "Slack:SigningSecret is required", "Slack:BotToken is required", "Drs:Endpoint or Drs:Region is required", "Drs:ProjectId is required", "Drs:Auth:Token is required" })
        {
            Assert.Contains(key, text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("simulator", text, StringComparison.OrdinalIgnoreCase);
    }
}
