using DrsBot.Tests.Deployment;
using DrsBot.Tests.Fakes;
using DrsBot.Watching;
using Microsoft.Extensions.DependencyInjection;

namespace DrsBot.Tests.EndToEnd;

/// <summary>Careless or hostile use must not reach the on-call engineer, other workspaces or arbitrary URLs.</summary>
public sealed class AbuseTests : EndToEndTest
{
    private const string Ops = "C0OPS";

    /// <summary>The production defaults, which other tests raise.</summary>
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Slack:RateLimit:PerUserPerMinute"] = "20",
        ["Slack:RateLimit:PerTeamPerMinute"] = "200",
    };

    private Task<bool> PollAsync(string job, string compare) =>
        App.Services.GetRequiredService<PollDispatcher>().PollNowAsync(new ComparisonRef(job, compare));

    [Fact]
    public async Task A_burst_of_failing_commands_never_pages_a_subscribed_channel()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40));
        Drs.Script("job-1", "typo", DrsAnswer.ServerError()); // a user hammering an id DRS chokes on
        await App.CommandAsync("subscribe job-1 cmp-1 <!here>", channel: Ops);

        for (var i = 0; i < 15; i++)
        {
            await App.CommandAsync("job-1 typo", channel: "C0PLAY");
        }

        // An error about one id is DRS answering: it never pauses DRS for anyone (issue 29), it is explained each time.
        Assert.Contains("DRS had an internal error", (await App.CommandAsync("job-1 typo")).AllText, StringComparison.Ordinal);
        var before = Drs.CallsFor("job-1", "cmp-1");
        for (var i = 0; i < 4; i++)
        {
            await PollAsync("job-1", "cmp-1");
        }

        Assert.Equal(before + 4, Drs.CallsFor("job-1", "cmp-1")); // polls went through their own, closed breaker
        Assert.Empty(Slack.InChannel(Ops));
        var record = await App.Services.GetRequiredService<IWatchStore>().GetAsync(new ComparisonRef("job-1", "cmp-1"));
        Assert.Equal(0, record!.Subscriptions.Single().Rules.FailureStreak);
    }

    [Theory]
    [InlineData("elsewhere")]
    [InlineData("lookalike")]
    [InlineData("redirect")]
    public async Task A_response_url_outside_slacks_prefixes_is_never_called(string trick)
    {
        await using var elsewhere = new RecordingServer();
        await elsewhere.StartAsync();
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 64) with { Delay = TimeSpan.FromSeconds(3) });
        var responseUrl = trick switch
        {
            "elsewhere" => new Uri(elsewhere.BaseUrl, "hook"),
            // The allowed prefix is http://127.0.0.1:{port}/response/: the same host on another port is elsewhere.
            "lookalike" => new Uri($"{elsewhere.BaseUrl}response/{Guid.NewGuid():N}"),
            _ => new Uri(Slack.BaseUrl, $"response/redirect?to={Uri.EscapeDataString(new Uri(elsewhere.BaseUrl, "hook").ToString())}"),
        };
        if (trick == "redirect")
        {
            Slack.RedirectResponsesTo(new Uri(elsewhere.BaseUrl, "hook"));
        }

        var reply = await App.CommandAsync("job-1 cmp-1", responseUrl: responseUrl);
        await App.FollowUpsDoneAsync(); // DRS answered and the follow-up was sent, or refused

        Assert.Contains("Fetching", reply.Text, StringComparison.Ordinal); // the acknowledgement, inline
        Assert.Empty(elsewhere.Requests);
    }

    [Fact]
    public async Task The_subscribe_confirmation_pings_nobody_but_says_who_alerts_will_reach()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40));

        var reply = await App.CommandAsync("subscribe job-1 cmp-1 <!here> <@U0BOB|bob> <!subteam^S0DBA|@dba> <!channel>", channel: Ops);

        Assert.Equal("in_channel", reply.ResponseType);
        foreach (var token in new[] { "<!here", "<!channel", "<!everyone", "<!subteam^", "<@U0BOB" })
        {
            Assert.DoesNotContain(token, reply.Body.ToString(), StringComparison.Ordinal);
        }

        Assert.Contains("<@U0ALICE>", reply.AllText, StringComparison.Ordinal); // the person who acted
        Assert.Contains("Alerts will mention 1 person, 1 group, `@here` and `@channel`.", reply.AllText, StringComparison.Ordinal);
        var list = await App.CommandAsync("list", channel: Ops); // ephemeral: only the asker sees it, so tokens may show
        Assert.Equal("ephemeral", list.ResponseType);
        Assert.Contains("Subscribed by <@U0ALICE>", list.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_the_mentions_is_recorded_and_shown_in_list()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40));
        await App.CommandAsync("subscribe job-1 cmp-1 <@U0BOB|bob>", channel: Ops);
        using (var response = await App.PostSignedAsync(DrsBotApp.CommandBody("subscribe job-1 cmp-1 <@U0CAROL|carol>", channel: Ops, user: "U0DAVE")))
        {
            response.EnsureSuccessStatusCode();
        }

        var list = await App.CommandAsync("list", channel: Ops);
        Assert.Contains("Subscribed by <@U0ALICE>", list.AllText, StringComparison.Ordinal);
        Assert.Contains("mentions changed by <@U0DAVE>", list.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_channel_id_from_another_workspace_sees_and_changes_nothing()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40));
        await App.CommandAsync("subscribe job-1 cmp-1", channel: Ops, team: "T0OURS");

        Assert.Contains("watches no comparisons", (await App.CommandAsync("list", channel: Ops, team: "T0THEIRS")).Text, StringComparison.Ordinal);
        Assert.Contains("not subscribed", (await App.CommandAsync("unsubscribe job-1 cmp-1", channel: Ops, team: "T0THEIRS")).Text, StringComparison.Ordinal);
        Assert.Contains("1 comparison", (await App.CommandAsync("list", channel: Ops, team: "T0OURS")).Text, StringComparison.Ordinal);
        var subscription = Assert.Single((await App.Services.GetRequiredService<IWatchStore>().GetAsync(new ComparisonRef("job-1", "cmp-1")))!.Subscriptions);
        Assert.Equal("T0OURS", subscription.TeamId);
    }

    [Fact]
    public async Task Broadcast_mentions_can_be_turned_off_with_a_friendly_refusal()
    {
        await using var app = new DrsBotApp(Drs, Slack, new Dictionary<string, string?> { ["Slack:AllowBroadcastMentions"] = "false" });
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40));

        foreach (var broadcast in new[] { "<!here>", "<!channel>", "<!everyone>" })
        {
            var reply = await app.CommandAsync($"subscribe job-1 cmp-1 {broadcast}", channel: Ops);
            Assert.StartsWith("Not subscribed", reply.Text, StringComparison.Ordinal);
            Assert.Contains("Slack:AllowBroadcastMentions", reply.AllText, StringComparison.Ordinal);
        }

        Assert.Equal(0, Drs.CallsFor("job-1", "cmp-1")); // refused before DRS is asked
        Assert.Contains("subscribed this channel", (await app.CommandAsync("subscribe job-1 cmp-1 <!subteam^S0DBA|@dba>", channel: Ops)).AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hundred_rapid_commands_from_one_user_make_at_most_the_allowed_drs_calls_and_page_nobody()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40));
        Drs.Script("job-1", "typo", DrsAnswer.ServerError());
        await App.CommandAsync("subscribe job-1 cmp-1 <!here>", channel: Ops, team: "T0OTHER"); // another team's on-call channel

        var replies = new List<Reply>();
        for (var i = 0; i < 100; i++)
        {
            replies.Add(await App.CommandAsync("job-1 typo", channel: "C0PLAY"));
        }

        Assert.InRange(replies.Count(r => r.AllText.Contains("a lot of commands", StringComparison.Ordinal)), 80, 100);
        Assert.All(replies, r => Assert.Equal("ephemeral", r.ResponseType));
        Assert.InRange(Drs.CallsFor("job-1", "typo"), 1, 20 * 3); // 20 commands at most, each one call and two retries
        for (var i = 0; i < 4; i++)
        {
            await PollAsync("job-1", "cmp-1");
        }

        Assert.Empty(Slack.InChannel(Ops));
    }

    [Fact]
    public async Task A_workspace_has_a_limit_of_its_own()
    {
        await using var app = new DrsBotApp(Drs, Slack, new Dictionary<string, string?>
        {
            ["Slack:RateLimit:PerUserPerMinute"] = "3",
            ["Slack:RateLimit:PerTeamPerMinute"] = "5",
        });

        var slowed = new List<bool>();
        foreach (var user in new[] { "U0A", "U0A", "U0A", "U0A", "U0B", "U0B", "U0C" })
        {
            using var response = await app.PostSignedAsync(DrsBotApp.CommandBody("help", user: user));
            slowed.Add((await response.Content.ReadAsStringAsync()).Contains("a lot of commands", StringComparison.Ordinal));
        }

        // U0A: 3 allowed, the 4th refused (user); U0B: 2 allowed (team reaches 5); U0C: refused (team).
        Assert.Equal([false, false, false, true, false, false, true], slowed);
        using var other = await app.PostSignedAsync(DrsBotApp.CommandBody("help", user: "U0A", team: "T0ELSE"));
        Assert.DoesNotContain("a lot of commands", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_51st_subscription_in_a_channel_is_refused_and_changing_one_still_works()
    {
        for (var i = 0; i < 50; i++)
        {
            Drs.Script("job-1", $"cmp-{i}", DrsAnswer.Progress(full: 40));
            Assert.Contains("subscribed this channel", (await App.CommandAsync($"subscribe job-1 cmp-{i}", channel: Ops, team: "T0FILL", user: $"U0FILL{i}")).AllText, StringComparison.Ordinal);
        }

        Drs.Script("job-1", "cmp-50", DrsAnswer.Progress(full: 40));
        var refused = await App.CommandAsync("subscribe job-1 cmp-50", channel: Ops, team: "T0FILL");
        Assert.StartsWith("Not subscribed", refused.Text, StringComparison.Ordinal);
        Assert.Contains("Watch:MaxSubscriptionsPerChannel", refused.AllText, StringComparison.Ordinal);
        Assert.Equal(0, Drs.CallsFor("job-1", "cmp-50")); // refused before DRS is asked
        Assert.Contains("updated this channel's subscription", (await App.CommandAsync("subscribe job-1 cmp-7 <!here>", channel: Ops, team: "T0FILL")).AllText, StringComparison.Ordinal);
        Assert.Contains("subscribed this channel", (await App.CommandAsync("subscribe job-1 cmp-50", channel: "C0OTHER", team: "T0FILL")).AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_workspace_has_a_subscription_cap_across_channels()
    {
        await using var app = new DrsBotApp(Drs, Slack, new Dictionary<string, string?>
        {
            ["Watch:MaxSubscriptionsPerChannel"] = "2",
            ["Watch:MaxSubscriptionsPerTeam"] = "3",
        });
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40));
        Drs.Script("job-1", "cmp-2", DrsAnswer.Progress(full: 40));

        await app.CommandAsync("subscribe job-1 cmp-1", channel: "C0A");
        await app.CommandAsync("subscribe job-1 cmp-2", channel: "C0A");
        await app.CommandAsync("subscribe job-1 cmp-1", channel: "C0B");
        var refused = await app.CommandAsync("subscribe job-1 cmp-2", channel: "C0B");

        Assert.Contains("Watch:MaxSubscriptionsPerTeam", refused.AllText, StringComparison.Ordinal);
        Assert.Contains("subscribed this channel", (await app.CommandAsync("subscribe job-1 cmp-2", channel: "C0B", team: "T0ELSE")).AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_outbox_keeps_the_newest_notifications_and_none_older_than_its_age()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new DrsBotApp(Drs, Slack, new Dictionary<string, string?>
        {
            ["Watch:MaxOutbox"] = "1",
            ["Watch:MaxOutboxAge"] = "00:10:00",
        })
        {
            ConfigureTestServices = s => s.AddSingleton<TimeProvider>(clock),
        };
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 90), DrsAnswer.Progress(full: 100), DrsAnswer.Progress(full: 5), DrsAnswer.Progress(full: 100));
        await app.CommandAsync("subscribe job-1 cmp-1", channel: Ops);
        var poll = () => app.Services.GetRequiredService<PollDispatcher>().PollNowAsync(new ComparisonRef("job-1", "cmp-1"));
        for (var i = 0; i < 3; i++)
        {
            Slack.FailNext("internal_error"); // refused without HTTP retries, whose backoff would wait on the fake clock
        }

        await poll(); // complete #1, Slack down
        clock.Advance(TimeSpan.FromMinutes(1));
        await poll(); // 5 %: re-armed; Slack still down
        clock.Advance(TimeSpan.FromMinutes(1));
        await poll(); // complete #2: the outbox holds one, so #1 is dropped
        var record = await app.Services.GetRequiredService<IWatchStore>().GetAsync(new ComparisonRef("job-1", "cmp-1"));
        var kept = Assert.Single(record!.Subscriptions.Single().Pending);
        Assert.Equal(clock.GetUtcNow(), kept.CreatedAt);

        clock.Advance(TimeSpan.FromMinutes(11)); // Slack is back, but the news is too old to post
        await poll();
        Assert.Empty(Slack.InChannel(Ops));
        Assert.Empty((await app.Services.GetRequiredService<IWatchStore>().GetAsync(new ComparisonRef("job-1", "cmp-1")))!.Subscriptions.Single().Pending);
    }

    [Fact]
    public async Task What_drs_says_is_escaped_in_blocks_and_in_the_fallback_text()
    {
        Drs.Script("job-1", "cmp-1", new DrsAnswer(400, """{"error_code":"<!channel>","error_msg":"<!here> <@U0BOSS> & <https://evil.example|click>"}"""));

        var reply = await App.CommandAsync("job-1 cmp-1");

        var raw = reply.Body.ToString();
        Assert.DoesNotContain("<!channel>", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("<!here>", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("<@U0BOSS>", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("<https://evil", raw, StringComparison.Ordinal);
        Assert.Contains("&lt;!channel&gt;", reply.Text, StringComparison.Ordinal);                       // the fallback text
        Assert.Contains("&lt;!channel&gt;", JsonText.Strings(reply.Body.GetProperty("blocks")), StringComparison.Ordinal); // the blocks
    }

    [Fact]
    public async Task User_input_echoed_in_help_is_escaped_in_the_text_too()
    {
        var reply = await App.CommandAsync("<!channel>");

        Assert.DoesNotContain("<!channel>", reply.Body.ToString(), StringComparison.Ordinal);
        Assert.Contains("&lt;!channel&gt;", reply.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(400)]
    [InlineData(503)]
    public async Task An_endless_drs_body_is_an_unreadable_answer_not_a_memory_problem(int status)
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Endless(status));
        await App.WarmUpAsync();

        var started = System.Diagnostics.Stopwatch.StartNew();
        var reply = await App.CommandAsync("job-1 cmp-1");

        Assert.Contains("could not read", reply.AllText, StringComparison.Ordinal);
        Assert.Contains("64 KiB", reply.AllText, StringComparison.Ordinal);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2.8), $"answered in {started.Elapsed}");
    }

    private static HttpRequestMessage Signed(string body, long timestamp, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/slack/commands")
        {
            Content = content ?? new StringContent(body, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("X-Slack-Signature", DrsBotApp.Sign(body, timestamp));
        return request;
    }

    [Fact]
    public async Task Duplicate_signature_headers_are_refused_even_when_both_are_right()
    {
        var body = DrsBotApp.CommandBody("help");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = Signed(body, now);
        request.Headers.TryAddWithoutValidation("X-Slack-Signature", DrsBotApp.Sign(body, now));

        using var response = await App.CreateClient().SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
    }

    /// <summary>A body of unknown length (chunked), far over the cap.</summary>
    private static StreamContent Chunked(int bytes)
    {
        var content = new StreamContent(new NonSeekable(new MemoryStream(new byte[bytes])));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
        return content;
    }

    [Fact]
    public async Task An_oversized_chunked_body_gets_413_and_a_stale_one_401_before_its_body_is_read()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using (var request = Signed("x", now, Chunked(2 * 1024 * 1024)))
        {
            request.Headers.TransferEncodingChunked = true;
            using var response = await App.CreateClient().SendAsync(request);
            Assert.Equal(System.Net.HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        // Ten minutes old: refused on its headers alone, so the oversized body is never read (401, not 413).
        using (var request = Signed("x", now - 600, Chunked(2 * 1024 * 1024)))
        {
            request.Headers.TransferEncodingChunked = true;
            using var response = await App.CreateClient().SendAsync(request);
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.Empty(Drs.Requests);
    }

    [Fact]
    public async Task A_flood_of_forged_requests_does_not_flood_the_log()
    {
        var logs = new CapturingLoggerProvider();
        await using var app = new DrsBotApp(Drs, Slack)
        {
            ConfigureTestServices = s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs),
        };
        var client = app.CreateClient();
        for (var i = 0; i < 200; i++)
        {
            using var request = Signed(DrsBotApp.CommandBody("help"), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            request.Headers.Remove("X-Slack-Signature");
            request.Headers.Add("X-Slack-Signature", "v0=" + new string('0', 64));
            using var response = await client.SendAsync(request);
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.InRange(logs.Lines.Count(l => l.Contains("Refused a request to /slack/commands", StringComparison.Ordinal)), 1, 10);
    }

    private sealed class NonSeekable(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
