using DrsBot.Tests.Services;
using Microsoft.Playwright;

namespace DrsBot.Tests.Demo;

/// <summary>
/// The console in a real headless Chromium (Debian's <c>chromium</c> package; .ci/run installs it): type a
/// command, see the reply rendered as Slack renders Block Kit, keep a screenshot for people to judge.
/// </summary>
[Trait("Category", "Slow")] // a real browser
public sealed class ConsoleBrowserTests(ConsoleBrowserTests.Browser browser) : IClassFixture<ConsoleBrowserTests.Browser>, IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];

    /// <summary>
    /// One Chromium and one console for the whole class: xUnit makes an instance per test, and a browser and a host per
    /// test were most of this class's CPU. Tests that send commands get a console of their own (<see cref="OwnConsoleAsync"/>),
    /// since the page shows every entry the console holds.
    /// </summary>
    public sealed class Browser : IAsyncLifetime
    {
        private IPlaywright? _playwright;

        public IBrowser Chromium { get; private set; } = null!;

        public DemoApp Console { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            if (TestServices.ChromiumSkip is not null)
            {
                return; // every test here is skipped (see ChromiumFact)
            }

            Console = new DemoApp();
            _playwright = await Playwright.CreateAsync();
            Chromium = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = TestServices.ChromiumPath,
                Headless = true,
                // No sandbox as root in CI; no background networking on a machine without internet.
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            });
        }

        public async Task DisposeAsync()
        {
            if (_playwright is not null)
            {
                await Chromium.DisposeAsync();
                _playwright.Dispose();
                await Console.DisposeAsync();
            }
        }
    }

    /// <summary>The shared console at a laptop-sized viewport (the screenshot's size), in a context of its own.</summary>
    private Task<IPage> OpenConsoleAsync() => OpenAsync(browser.Console);

    /// <summary>A console of its own, for a test whose commands the others must not see (and that must not see theirs).</summary>
    private static DemoApp OwnConsole() => new();

    private async Task<IPage> OpenAsync(DemoApp console)
    {
        var context = await browser.Chromium.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 1300 } });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        await page.GotoAsync(console.BaseUrl.ToString());
        return page;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }
    }

    [ChromiumTheory]
    [InlineData("*bold* and _italic_ and ~gone~", "<b>bold</b> and <i>italic</i> and <s>gone</s>")]
    [InlineData("`a &lt;b&gt; &amp; c`", "<code>a &lt;b&gt; &amp; c</code>")]
    [InlineData("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;")]
    [InlineData("<https://example.com/a?b=1|the link>", "<a href=\"https://example.com/a?b=1\" target=\"_blank\" rel=\"noopener\">the link</a>")]
    [InlineData("<@U024BE7LH|alice> <!subteam^SAZ94GDB8|@db-oncall> <!here>", "<span class=\"mention\">@alice</span> <span class=\"mention loud\">@db-oncall</span> <span class=\"mention loud\">@here</span>")]
    [InlineData(":white_check_mark: :zap: :not_an_emoji:", "✅ ⚡ :not_an_emoji:")]
    [InlineData("<!date^0^{date_short_pretty}|fallback>", "1970")]
    [InlineData("line one\nline two", "line one<br>line two")]
    public async Task Mrkdwn_renders_as_slack_shows_it(string mrkdwn, string html)
    {
        var page = await OpenConsoleAsync();
        var rendered = await page.EvaluateAsync<string>("text => mrkdwn(text)", mrkdwn.Replace("\\n", "\n", StringComparison.Ordinal));
        Assert.Contains(html, rendered, StringComparison.Ordinal);
    }

    [ChromiumTheory]
    [InlineData("{ type: 'header', text: { type: 'plain_text', text: 'Comparison :zap: x' } }", "<div class=\"block b-header\">Comparison ⚡ x</div>")]
    [InlineData("{ type: 'divider' }", "<hr class=\"b-divider\">")]
    [InlineData("{ type: 'section', text: { type: 'mrkdwn', text: '*a*' }, fields: [{ type: 'mrkdwn', text: '*F*\\n1' }] }", "<div class=\"fields\"><div><b>F</b><br>1</div></div>")]
    [InlineData("{ type: 'context', elements: [{ type: 'mrkdwn', text: 'Job `j`' }, { type: 'plain_text', text: '<b>' }] }", "<span>Job <code>j</code></span><span>&lt;b&gt;</span>")]
    [InlineData("{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Refresh' }, style: 'primary', action_id: 'refresh', value: 'j:c' }] }", "<button class=\"primary\" title=\"refresh\" data-action=\"refresh\" data-value=\"j:c\">Refresh</button>")]
    public async Task Blocks_render_as_slack_lays_them_out(string block, string html)
    {
        var page = await OpenConsoleAsync();
        Assert.Contains(html, await page.EvaluateAsync<string>($"() => renderBlock({block})"), StringComparison.Ordinal);
    }

    [ChromiumFact]
    public async Task A_message_slack_would_reject_is_flagged_not_hidden()
    {
        var page = await OpenConsoleAsync();
        var good = await page.EvaluateAsync<string[]>("() => problems({ text: 'x', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'Hi' } }] })");
        var bad = await page.EvaluateAsync<string[]>("() => problems({ blocks: [{ type: 'header', text: { text: 'Hi' } }, { type: 'section', fields: new Array(11).fill({ type: 'mrkdwn', text: 'f' }) }] })");
        Assert.Empty(good);
        Assert.Contains("no top-level text fallback", bad);
        Assert.Contains(bad, p => p.Contains("header", StringComparison.Ordinal) && p.Contains("type", StringComparison.Ordinal));
        Assert.Contains(bad, p => p.Contains("11 fields", StringComparison.Ordinal));
    }

    [ChromiumFact]
    public async Task Typing_a_command_shows_the_rendered_reply()
    {
        await using var console = OwnConsole();
        var page = await OpenAsync(console);

        await page.FillAsync("#text", "demo-job dynamic-cmp");
        await page.PressAsync("#text", "Enter");

        var reply = page.Locator(".msg.ephemeral").Last;
        await reply.WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        Assert.Equal("Comparison dynamic-cmp", (await reply.Locator(".b-header").InnerTextAsync()).Trim());
        var text = await reply.InnerTextAsync();
        Assert.Equal(8, await page.Locator("#ids code").CountAsync()); // demo-job, a digest, and the simulator's six scenarios, fetched from it
        Assert.Equal(0, await page.Locator(".rejected").CountAsync()); // nothing DrsBot sent breaks Slack's rules
        Assert.Contains("Only visible to you", text, StringComparison.Ordinal);
        Assert.Contains("Incremental comparison", text, StringComparison.Ordinal);
        Assert.Contains("100 %", text, StringComparison.Ordinal);
        Assert.Contains("🔄", text, StringComparison.Ordinal); // :arrows_counterclockwise: rendered as emoji
        Assert.Equal(0, await reply.Locator("text=:arrows_counterclockwise:").CountAsync());
        Assert.True(await reply.Locator(".b-section .fields > div").CountAsync() >= 4, "fields render as a grid");
        Assert.True(await reply.Locator("code").CountAsync() >= 3, "inline code renders as code");

        await page.FillAsync("#text", "subscribe demo-job recheck-cmp <@U024BE7LH|alice> <!here>");
        await page.PressAsync("#text", "Enter");
        var subscribed = page.Locator(".msg.in_channel").Last;
        await subscribed.WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        // The confirmation names who acted, and says who alerts will reach without pinging them.
        Assert.Equal(0, await subscribed.Locator(".mention", new() { HasText = "@alice" }).CountAsync());
        Assert.Equal(0, await subscribed.Locator(".mention.loud").CountAsync());
        Assert.Equal(1, await subscribed.Locator(".mention", new() { HasText = "@you" }).CountAsync());
        Assert.Contains("1 person and @here", await subscribed.InnerTextAsync(), StringComparison.Ordinal);

        var screenshots = Environment.GetEnvironmentVariable("DRSBOT_SCREENSHOT_DIR") ?? AppContext.BaseDirectory;
        Directory.CreateDirectory(screenshots);
        var path = Path.Combine(screenshots, "console.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 10_000, "the screenshot has content");
    }

    [ChromiumFact]
    public async Task Clicking_refresh_replaces_the_card_and_subscribe_subscribes_the_channel()
    {
        await using var console = OwnConsole();
        var page = await OpenAsync(console);
        await page.FillAsync("#text", "demo-job dynamic-cmp");
        await page.PressAsync("#text", "Enter");
        var card = page.Locator(".msg.ephemeral", new() { HasText = "Comparison dynamic-cmp" }).Last;
        await card.WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        var entry = await card.GetAttributeAsync("data-entry");
        var before = await card.Locator(".b-context").Last.InnerTextAsync();

        await Task.Delay(1100); // the card's "Read" time is to the second
        await card.Locator("button", new() { HasText = "Refresh" }).ClickAsync();
        var refreshed = page.Locator($".msg[data-entry='{entry}']");
        await Assertions.Expect(refreshed.Locator(".b-context").Last).Not.ToHaveTextAsync(before, new() { Timeout = 15_000 });
        Assert.Equal(1, await page.Locator(".msg.ephemeral", new() { HasText = "Comparison dynamic-cmp" }).CountAsync()); // replaced, not added

        await refreshed.Locator("button", new() { HasText = "Subscribe this channel" }).ClickAsync();
        var subscribed = page.Locator(".msg.in_channel", new() { HasText = "subscribed this channel" }).Last;
        await subscribed.WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        Assert.Contains("dynamic-cmp", await subscribed.InnerTextAsync(), StringComparison.Ordinal);
    }

    [ChromiumFact]
    public async Task Acknowledging_an_alert_in_the_console_updates_it_in_place()
    {
        await using var console = OwnConsole();
        var page = await OpenAsync(console);
        await page.FillAsync("#text", "subscribe demo-job recheck-cmp <@U024BE7LH|alice>");
        await page.PressAsync("#text", "Enter");

        // recheck-cmp finds rows 20 s after the bot started; the demo polls every 5 s.
        var alert = page.Locator(".msg", new() { HasText = "rows need recheck" }).Last;
        await alert.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        Assert.Equal(1, await alert.Locator(".mention", new() { HasText = "@alice" }).CountAsync());
        await alert.Locator("button", new() { HasText = "Acknowledge" }).ClickAsync();

        await Assertions.Expect(alert).ToContainTextAsync("🙋 @you is on it", new() { Timeout = 15_000 });
        Assert.Equal(0, await alert.Locator("button", new() { HasText = "Acknowledge" }).CountAsync());
        Assert.Equal(0, await alert.Locator(".mention", new() { HasText = "@alice" }).CountAsync()); // nobody pinged again
        var parent = page.Locator(".msg", new() { HasText = "Watching comparison" }).Last;
        await Assertions.Expect(parent).ToContainTextAsync("@you is on it", new() { Timeout = 15_000 });
        var tables = page.Locator(".msg", new() { HasText = "Tables of comparison recheck-cmp" }).Last;
        await tables.WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        Assert.Equal(0, await page.Locator(".rejected").CountAsync());

        // For the README: the thread parent, the acknowledged alert and the tables that differ.
        var (top, bottom) = (await parent.BoundingBoxAsync(), await tables.BoundingBoxAsync());
        var screenshots = Environment.GetEnvironmentVariable("DRSBOT_SCREENSHOT_DIR") ?? AppContext.BaseDirectory;
        Directory.CreateDirectory(screenshots);
        var path = Path.Combine(screenshots, "acknowledged.png");
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = path,
            FullPage = true,
            Clip = new Clip { X = 0, Y = Math.Min(top!.Y, bottom!.Y) - 8, Width = 1100, Height = Math.Abs(bottom.Y - top.Y) + Math.Max(bottom.Height, top.Height) + 16 },
        });
        Assert.True(new FileInfo(path).Length > 10_000, "the screenshot has content");
    }
}
