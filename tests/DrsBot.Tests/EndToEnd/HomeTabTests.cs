using System.Net;
using System.Text.Json;
using DrsBot.Tests.Fakes;
using DrsBot.Watching;
using Microsoft.Extensions.DependencyInjection;

namespace DrsBot.Tests.EndToEnd;

/// <summary>
/// Issue 34, part 2, over HTTP: <c>POST /slack/events</c> answers Slack's URL check and, when a person opens the Home tab,
/// publishes what is watched in the channels they belong to, and nothing from the others.
/// </summary>
public sealed class HomeTabTests : EndToEndTest
{
    private const string Ops = "C0OPS";
    private const string Secret = "G0SECRET";

    private static string Opened(string user, string team = "T0TEAM", string? hash = null) => JsonSerializer.Serialize(new
    {
        token = "unused",
        team_id = team,
        api_app_id = "A0APP",
        type = "event_callback",
        event_id = "Ev0001",
        event_time = 1_700_000_000,
        @event = new { type = "app_home_opened", user, channel = "D0HOME", tab = "home", view = hash is null ? null : new { id = "V0", hash } },
    });

    private async Task<HttpResponseMessage> EventAsync(string json) =>
        await App.PostSignedAsync(json, path: "/slack/events", contentType: "application/json");

    private Task<ReceivedMessage> HomeOfAsync(string user) =>
        Slack.WaitForAsync(m => m.Endpoint == "views.publish" && m.Channel == user, TimeSpan.FromSeconds(15));

    [Fact]
    public async Task The_url_check_is_answered_with_its_challenge_and_unsigned_events_are_refused()
    {
        using var check = await EventAsync("""{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}""");
        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
        Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            JsonDocument.Parse(await check.Content.ReadAsStringAsync()).RootElement.GetProperty("challenge").GetString());

        using var unsigned = await App.CreateClient().PostAsync("/slack/events", new StringContent(Opened("U0BOB"), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        using var forged = await App.PostSignedAsync(Opened("U0BOB"), signature: "v0=" + new string('0', 64), path: "/slack/events", contentType: "application/json");
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        await App.FollowUpsDoneAsync();
        Assert.DoesNotContain(Slack.Messages, m => m.Endpoint == "views.publish");
    }

    [Fact]
    public async Task A_person_sees_the_watches_of_their_channels_and_never_a_private_channel_they_are_not_in()
    {
        Drs.Script("job-1", "cmp-ops", DrsAnswer.Progress(full: 40));
        Drs.Script("job-1", "cmp-hot", DrsAnswer.Progress(full: 60, fullRecheck: 7));
        Drs.Script("job-1", "cmp-secret", DrsAnswer.Progress(full: 10));
        await App.CommandAsync("subscribe job-1 cmp-ops", channel: Ops);
        await App.CommandAsync("subscribe job-1 cmp-hot", channel: Ops);
        await App.CommandAsync("snooze job-1 cmp-ops 2h", channel: Ops, user: "U0CAROL");
        await App.CommandAsync("subscribe job-1 cmp-secret", channel: Secret);
        Slack.Members[Ops] = ["U0BOB", "U0ALICE"];
        Slack.Members[Secret] = ["U0ALICE"];

        using var bobs = await EventAsync(Opened("U0BOB"));
        Assert.Equal(HttpStatusCode.OK, bobs.StatusCode);
        var home = await HomeOfAsync("U0BOB");

        var view = home.Body.GetProperty("view");
        Assert.Equal("home", view.GetProperty("type").GetString());
        var text = home.AllText;
        Assert.Contains("cmp-ops", text, StringComparison.Ordinal);
        Assert.Contains("cmp-hot", text, StringComparison.Ordinal);
        Assert.DoesNotContain("cmp-secret", text, StringComparison.Ordinal); // Bob is not in the private channel
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.True(text.IndexOf("cmp-hot", StringComparison.Ordinal) < text.IndexOf("cmp-ops", StringComparison.Ordinal), "attention first");
        Assert.Contains("7 rows to recheck", text, StringComparison.Ordinal);
        Assert.Contains("snoozed until", text, StringComparison.Ordinal);
        Assert.Contains("drs.home", InteractionTests.ActionIds(view));

        using var alices = await EventAsync(Opened("U0ALICE"));
        Assert.Contains("cmp-secret", (await HomeOfAsync("U0ALICE")).AllText, StringComparison.Ordinal); // Alice is
    }

    [Fact]
    public async Task Nothing_watched_gives_the_sentence_and_opening_again_at_once_publishes_once()
    {
        Slack.Members[Ops] = ["U0BOB"];

        await EventAsync(Opened("U0BOB"));
        await EventAsync(Opened("U0BOB", hash: "1700000000.abc"));
        await App.FollowUpsDoneAsync();

        var home = Assert.Single(Slack.Messages, m => m.Endpoint == "views.publish");
        Assert.Contains("No comparison is watched in the channels you are in", home.AllText, StringComparison.Ordinal);
        Assert.Contains("subscribe <job_id> <compare_job_id>", home.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_home_tabs_refresh_button_publishes_it_again()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await App.DisposeAsync();
        App = new DrsBotApp(Drs, Slack) { ConfigureTestServices = s => s.AddSingleton<TimeProvider>(clock) };
        Slack.Members[Ops] = ["U0BOB"];
        Drs.Script("job-1", "cmp-ops", DrsAnswer.Progress(full: 40));
        await App.CommandAsync("subscribe job-1 cmp-ops", channel: Ops);
        await EventAsync(Opened("U0BOB"));
        await HomeOfAsync("U0BOB");

        // A Home tab's press carries no channel and no response_url.
        var payload = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["payload"] = JsonSerializer.Serialize(new
            {
                type = "block_actions",
                user = new { id = "U0BOB" },
                team = new { id = "T0TEAM" },
                view = new { id = "V0", type = "home" },
                actions = new[] { new { action_id = "drs.home", value = "home", type = "button" } },
            }),
        });
        clock.Advance(Features.Home.HomeTab.MinInterval); // past the once-per-10-s guard
        using var press = await App.PostSignedAsync(await payload.ReadAsStringAsync(), path: "/slack/interactions");
        Assert.Equal(HttpStatusCode.OK, press.StatusCode);
        await App.FollowUpsDoneAsync();
        Assert.Equal(2, Slack.Messages.Count(m => m.Endpoint == "views.publish" && m.Channel == "U0BOB"));
    }

    private async Task<HttpResponseMessage> HomePressAsync(string actionId, string value, string user = "U0BOB")
    {
        // A Home tab's press carries no channel and no response_url; a trigger_id lets the app open a modal.
        var payload = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["payload"] = JsonSerializer.Serialize(new
            {
                type = "block_actions",
                user = new { id = user },
                team = new { id = "T0TEAM" },
                trigger_id = "1337.42.abcdef",
                container = new { type = "view", view_id = "V0" },
                view = new { id = "V0", type = "home" },
                actions = new[] { new { action_id = actionId, value, type = "button" } },
            }),
        });
        return await App.PostSignedAsync(await payload.ReadAsStringAsync(), path: "/slack/interactions");
    }

    [Fact]
    public async Task Show_progress_on_a_home_entry_opens_the_card_in_a_modal()
    {
        Slack.Members[Ops] = ["U0BOB"];
        Drs.Script("job-1", "cmp-ops", DrsAnswer.Progress(full: 40), DrsAnswer.Progress(full: 42));
        await App.CommandAsync("subscribe job-1 cmp-ops", channel: Ops);
        await EventAsync(Opened("U0BOB"));
        var home = await HomeOfAsync("U0BOB");

        // The entry's button names its channel and its comparison.
        var button = home.Body.GetProperty("view").GetProperty("blocks").EnumerateArray()
            .Where(b => b.TryGetProperty("accessory", out _)).Select(b => b.GetProperty("accessory")).Single();
        Assert.Equal(("drs.show", "C0OPS/job-1:cmp-ops"), (button.GetProperty("action_id").GetString(), button.GetProperty("value").GetString()));

        using var press = await HomePressAsync("drs.show", button.GetProperty("value").GetString()!);
        Assert.Equal(HttpStatusCode.OK, press.StatusCode);
        await App.FollowUpsDoneAsync();

        var opened = Assert.Single(Slack.Messages, m => m.Endpoint == "views.open");
        Assert.Equal("1337.42.abcdef", opened.Body.GetProperty("trigger_id").GetString());
        Assert.Contains("Fetching progress of comparison", opened.AllText, StringComparison.Ordinal);
        var card = Assert.Single(Slack.Messages, m => m.Endpoint == "views.update");
        Assert.Equal(opened.Channel, card.Body.GetProperty("view_id").GetString()); // the modal it opened
        Assert.Contains("42 %", card.AllText, StringComparison.Ordinal);
        Assert.Contains("Comparison cmp-ops", card.AllText, StringComparison.Ordinal);
        // A modal's press has no message to answer in: the card's action buttons are left out.
        Assert.DoesNotContain(card.Body.GetProperty("view").GetProperty("blocks").EnumerateArray(), b => b.GetProperty("type").GetString() == "actions");
        Assert.Equal(2, Drs.CallsFor("job-1", "cmp-ops"));
    }

    [Theory]
    [InlineData("job-1:cmp-ops")]                 // no channel
    [InlineData("#ops/job-1:cmp-ops")]            // not a channel id
    [InlineData("C0OPS/job-1/../x:cmp-ops")]      // not a comparison
    public async Task A_home_press_with_a_value_it_did_not_publish_opens_nothing_and_calls_no_drs(string value)
    {
        using var press = await HomePressAsync("drs.show", value);
        Assert.Equal(HttpStatusCode.OK, press.StatusCode);
        await App.FollowUpsDoneAsync();

        Assert.DoesNotContain(Slack.Messages, m => m.Endpoint is "views.open" or "views.update");
        Assert.Empty(Drs.Requests);
    }
}
