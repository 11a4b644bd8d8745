using System.Collections.Concurrent;
using System.Text.Json;
using DrsBot.Tests.Deployment;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DrsBot.Tests.Fakes;

/// <summary>A message as the fake Slack received it, from chat.postMessage or a response_url.</summary>
public sealed record ReceivedMessage(string Endpoint, string? Channel, string? Authorization, JsonElement Body)
{
    /// <summary>The ts the fake Slack gave this message (chat.postMessage), or the one it updated (chat.update).</summary>
    public string? Ts { get; init; }

    public string Text => Body.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "";

    public string? ThreadTs => Body.TryGetProperty("thread_ts", out var t) ? t.GetString() : null;

    public bool ReplyBroadcast => Body.TryGetProperty("reply_broadcast", out var b) && b.GetBoolean();

    /// <summary>A thread parent DrsBot keeps current, rather than news (see Rendering/ThreadMessages).</summary>
    public bool IsThreadParent => Text.StartsWith("Watching comparison", StringComparison.Ordinal);

    /// <summary>Every piece of text in the message, blocks included, for "is this visible" assertions.</summary>
    public string AllText => JsonText.Strings(Body);

    /// <summary>Its metadata id says it is a recheck alert's differing-tables reply.</summary>
    public bool IsTablesReply => MetadataId?.Contains("/DifferingTables/", StringComparison.Ordinal) == true;

    public string? MetadataId => Body.TryGetProperty("metadata", out var m) && m.TryGetProperty("event_payload", out var p) && p.TryGetProperty("id", out var id)
        ? id.GetString()
        : null;
}

/// <summary>
/// Loopback stand-in for Slack: <c>POST /api/chat.postMessage</c> and response URLs under <c>/response/…</c>.
/// Failures can be queued for chat.postMessage to exercise retries.
/// </summary>
public sealed class FakeSlack : LoopbackServer
{
    private readonly ConcurrentQueue<Func<HttpContext, Task<bool>>> _failures = new();

    public ConcurrentQueue<ReceivedMessage> Messages { get; } = new();

    /// <summary>Socket Mode: apps.connections.open and the WebSocket link.</summary>
    public FakeSocketMode Socket => _socket ??= new FakeSocketMode(() => BaseUrl);

    private FakeSocketMode? _socket;

    /// <summary>Channel id → its members, as users.conversations answers for each user.</summary>
    public ConcurrentDictionary<string, string[]> Members { get; } = new();

    public int PostAttempts;

    /// <summary>POSTs to any response_url, answered or not.</summary>
    public int ResponseAttempts;

    /// <summary>When set, every response_url POST is answered with this status.</summary>
    public int? ResponseStatus { get; set; }

    /// <summary>While true, every chat.postMessage is answered 503 (Slack down).</summary>
    public volatile bool Down;

    /// <summary>Why messages were refused as invalid_blocks; tests assert this stays empty.</summary>
    public ConcurrentQueue<string> InvalidMessages { get; } = new();

    public Uri ApiBaseUrl => new(BaseUrl, "api/");

    private Uri? _redirectResponsesTo;

    /// <summary>From now on, posts to a response URL are answered 302 to <paramref name="target"/> (a hostile hop).</summary>
    public void RedirectResponsesTo(Uri target) => _redirectResponsesTo = target;

    private string NextTs()
    {
        var micros = Interlocked.Increment(ref _ts);
        return $"{micros / 1_000_000}.{micros % 1_000_000:000000}";
    }

    public Uri NewResponseUrl() => new(BaseUrl, $"response/{Guid.NewGuid():N}");

    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _lateAnswers = new();

    /// <summary>
    /// A response URL for a command whose test reads its answer wherever it arrives: inline, or here when the host was
    /// too slow for the reply budget. Kept apart from <see cref="Messages"/>, which it would otherwise add to only on
    /// slow machines.
    /// </summary>
    public (Uri Url, Task<JsonElement> Answer) NewLateAnswerUrl()
    {
        var id = Guid.NewGuid().ToString("N");
        var answer = _lateAnswers.GetOrAdd(id, _ => new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously));
        return (new Uri(LateAnswers, id), answer.Task);
    }

    /// <summary>Where <see cref="NewLateAnswerUrl"/>s live: a second prefix the test host allows.</summary>
    public Uri LateAnswers => new(BaseUrl, "late/");

    /// <summary>The notifications a channel received, in its threads or not; thread parents and their updates apart.</summary>
    /// <summary>What DrsBot posted to a channel (and its threads), but for thread parents and the differing-tables replies.</summary>
    public IReadOnlyList<ReceivedMessage> InChannel(string channel) =>
        [.. Messages.Where(m => m.Endpoint == "chat.postMessage" && m.Channel == channel && !m.IsThreadParent && !m.IsTablesReply)];

    /// <summary>The thread replies that follow a recheck alert with the tables that differ.</summary>
    public IReadOnlyList<ReceivedMessage> TableReplies(string channel) =>
        [.. Messages.Where(m => m.Endpoint == "chat.postMessage" && m.Channel == channel && m.IsTablesReply)];

    public IReadOnlyList<ReceivedMessage> Parents(string channel) =>
        [.. Messages.Where(m => m.Endpoint == "chat.postMessage" && m.Channel == channel && m.IsThreadParent)];

    public IReadOnlyList<ReceivedMessage> Updates(string channel) =>
        [.. Messages.Where(m => m.Endpoint == "chat.update" && m.Channel == channel)];

    private readonly ConcurrentDictionary<string, byte> _deleted = new();
    private long _ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000; // Slack ts are the time of posting

    /// <summary>Someone deleted this message in Slack: chat.update on it answers message_not_found.</summary>
    public void Delete(string ts) => _deleted[ts] = 0;

    public IReadOnlyList<ReceivedMessage> ToResponseUrl(Uri url) =>
        [.. Messages.Where(m => m.Endpoint == url.AbsolutePath)];

    /// <summary>The next chat.postMessage is answered with 429 and Retry-After.</summary>
    public void RateLimitNext(int retryAfterSeconds) => _failures.Enqueue(async http =>
    {
        http.Response.StatusCode = 429;
        http.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await http.Response.WriteAsJsonAsync(new { ok = false, error = "rate_limited" });
        return true;
    });

    /// <summary>The next chat.postMessage is answered 200 with <c>ok:false</c>.</summary>
    public void FailNext(string error) => _failures.Enqueue(async http =>
    {
        await http.Response.WriteAsJsonAsync(new { ok = false, error });
        return true;
    });

    /// <summary>The next chat.postMessage is accepted, but only after <paramref name="delay"/> (a slow Slack).</summary>
    public void DelayNext(TimeSpan delay) => _failures.Enqueue(async _ =>
    {
        await Task.Delay(delay);
        return false;
    });

    /// <summary>
    /// The next <paramref name="posts"/> chat.postMessage calls fail with 503, taking nothing. DrsBot does not
    /// repeat a 5xx (Slack may have taken it): each is one post, looked up in the channel before the next.
    /// </summary>
    public void DownForPosts(int posts)
    {
        for (var i = 0; i < posts; i++)
        {
            ServerErrorNext();
        }
    }

    /// <summary>
    /// The next chat.postMessage gets its headers and <c>{"ok":true,</c>, then nothing more, the connection left open:
    /// a Slack (or a proxy before it) that stalls mid-answer. The message is not recorded as posted.
    /// </summary>
    public void StallNext() => _failures.Enqueue(async http =>
    {
        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync("{\"ok\":true,");
        await http.Response.Body.FlushAsync();
        try
        {
            await Task.Delay(Timeout.Infinite, http.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }

        return true;
    });

    private readonly ConcurrentQueue<Func<HttpContext, Task>> _afterAccepting = new();

    /// <summary>History calls (conversations.history and .replies) made, with their form fields.</summary>
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> HistoryCalls { get; } = new();

    /// <summary>Whether DrsBot was granted channels:history and groups:history; without, history answers missing_scope.</summary>
    public volatile bool HistoryScopes = true;

    /// <summary>
    /// The next chat.postMessage is taken (it is in the channel), but the answer is <paramref name="status"/> with
    /// <paramref name="error"/> (<c>ok:false</c>) or no body: the post "maybe" landed, from DrsBot's side.
    /// </summary>
    public void AcceptThenFailNext(int status, string? error = null) => _afterAccepting.Enqueue(async http =>
    {
        http.Response.StatusCode = status;
        if (error is not null)
        {
            await http.Response.WriteAsJsonAsync(new { ok = false, error });
        }
    });

    private async Task HistoryAsync(HttpContext http, bool thread)
    {
        var form = (await http.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        HistoryCalls.Enqueue(form);
        if (!HistoryScopes)
        {
            await http.Response.WriteAsJsonAsync(new { ok = false, error = "missing_scope", needed = "channels:history,groups:history" });
            return;
        }

        var oldest = decimal.Parse(form.GetValueOrDefault("oldest", "0"), System.Globalization.CultureInfo.InvariantCulture);
        var withMetadata = form.GetValueOrDefault("include_all_metadata") == "true";
        var found = Messages.Where(m => m.Endpoint == "chat.postMessage" && m.Channel == form["channel"]
                                        && decimal.Parse(m.Ts!, System.Globalization.CultureInfo.InvariantCulture) >= oldest
                                        && (thread ? m.ThreadTs == form["ts"] || m.Ts == form["ts"] : m.ThreadTs is null || m.ReplyBroadcast))
            .Reverse()
            .Select(m => new Dictionary<string, object?>
            {
                ["ts"] = m.Ts,
                ["text"] = m.Text,
                ["metadata"] = withMetadata && m.Body.TryGetProperty("metadata", out var meta) ? meta : null,
            });
        await http.Response.WriteAsJsonAsync(new { ok = true, messages = found, has_more = false });
    }

    public void ServerErrorNext() => _failures.Enqueue(http =>
    {
        http.Response.StatusCode = 503;
        return Task.FromResult(true);
    });

    private int _views;

    private async Task ModalAsync(HttpContext http, string method)
    {
        var root = (await JsonDocument.ParseAsync(http.Request.Body)).RootElement.Clone();
        var view = root.GetProperty("view");
        var problems = new List<string>(BlockKit.Problems(JsonDocument.Parse($$"""{"text": "modal", "blocks": {{view.GetProperty("blocks").GetRawText()}}}""").RootElement));
        if (view.GetProperty("type").GetString() != "modal" || view.GetProperty("blocks").GetArrayLength() is 0 or > 100)
        {
            problems.Add("a modal has type modal and 1 to 100 blocks");
        }

        foreach (var name in new[] { "title", "close" })
        {
            if (!view.TryGetProperty(name, out var text) || text.GetProperty("type").GetString() != "plain_text" || text.GetProperty("text").GetString()!.Length is 0 or > 24)
            {
                problems.Add($"a modal's {name} is plain_text of 1 to 24 characters");
            }
        }

        var known = method == "views.open"
            ? root.TryGetProperty("trigger_id", out var trigger) && trigger.GetString() is { Length: > 0 }
            : root.TryGetProperty("view_id", out var id) && Messages.Any(m => m.Endpoint == "views.open" && m.Channel == id.GetString());
        if (problems.Count > 0 || !known)
        {
            InvalidMessages.Enqueue($"{method}: {(known ? string.Join("; ", problems) : "no trigger_id or unknown view_id")}");
            await http.Response.WriteAsJsonAsync(new { ok = false, error = known ? "invalid_blocks" : "invalid_arguments" });
            return;
        }

        // The view id stands in the Channel of what is recorded: views.update names it, views.open is given it.
        var viewId = method == "views.open" ? $"V{Interlocked.Increment(ref _views):D6}" : root.GetProperty("view_id").GetString()!;
        Messages.Enqueue(new ReceivedMessage(method, viewId, http.Request.Headers.Authorization, root));
        await http.Response.WriteAsJsonAsync(new { ok = true, view = new { id = viewId } });
    }

    public async Task<ReceivedMessage> WaitForAsync(Func<ReceivedMessage, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            var found = Messages.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException("Slack never received the expected message. Received: " +
                                   string.Join(" | ", Messages.Select(m => $"{m.Endpoint}:{m.Text}")));
    }

    protected override void Map(WebApplication app)
    {
        app.MapPost("/api/chat.postMessage", async (HttpContext http) =>
        {
            Interlocked.Increment(ref PostAttempts);
            var body = await JsonDocument.ParseAsync(http.Request.Body);
            if (Down)
            {
                http.Response.StatusCode = 503;
                return;
            }

            if (_failures.TryDequeue(out var fail) && await fail(http))
            {
                return;
            }

            var root = body.RootElement.Clone();
            if (BlockKit.Problems(root) is { Count: > 0 } problems)
            {
                // What real Slack does with a malformed message.
                InvalidMessages.Enqueue(string.Join("; ", problems));
                await http.Response.WriteAsJsonAsync(new { ok = false, error = "invalid_blocks" });
                return;
            }

            var channel = root.TryGetProperty("channel", out var c) ? c.GetString() : null;
            if (root.TryGetProperty("thread_ts", out var thread) && _deleted.ContainsKey(thread.GetString()!))
            {
                await http.Response.WriteAsJsonAsync(new { ok = false, error = "thread_not_found" });
                return;
            }

            var ts = NextTs();
            Messages.Enqueue(new ReceivedMessage("chat.postMessage", channel, http.Request.Headers.Authorization, root) { Ts = ts });
            if (_afterAccepting.TryDequeue(out var answer))
            {
                await answer(http); // Slack took the message, then the answer went wrong
                return;
            }

            await http.Response.WriteAsJsonAsync(new { ok = true, channel, ts });
        });

        app.UseWebSockets();
        Socket.Map(app);

        // The Home tab: who is in which channel, and the views published.
        app.MapPost("/api/users.conversations", async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            var user = form["user"].ToString();
            await http.Response.WriteAsJsonAsync(new
            {
                ok = true,
                channels = Members.Where(m => m.Value.Contains(user)).Select(m => new { id = m.Key }),
                response_metadata = new { next_cursor = "" },
            });
        });
        app.MapPost("/api/views.publish", async (HttpContext http) =>
        {
            var root = (await JsonDocument.ParseAsync(http.Request.Body)).RootElement.Clone();
            // Checked as Slack checks blocks; a Home tab has no text fallback of its own.
            var asMessage = JsonDocument.Parse($$"""{"text": "home", "blocks": {{root.GetProperty("view").GetProperty("blocks").GetRawText()}}}""").RootElement;
            foreach (var problem in BlockKit.Problems(asMessage))
            {
                InvalidMessages.Enqueue(problem);
            }

            if (root.GetProperty("view").GetProperty("blocks").GetArrayLength() > 100)
            {
                InvalidMessages.Enqueue("a Home tab of more than 100 blocks");
            }

            Messages.Enqueue(new ReceivedMessage("views.publish", root.GetProperty("user_id").GetString(), http.Request.Headers.Authorization, root));
            await http.Response.WriteAsJsonAsync(new { ok = true });
        });
        // Modals (a Home tab's Show progress): opened with a press's trigger, then updated by the view id given back.
        app.MapPost("/api/views.open", (HttpContext http) => ModalAsync(http, "views.open"));
        app.MapPost("/api/views.update", (HttpContext http) => ModalAsync(http, "views.update"));
        app.MapPost("/api/conversations.history", (HttpContext http) => HistoryAsync(http, thread: false));
        app.MapPost("/api/conversations.replies", (HttpContext http) => HistoryAsync(http, thread: true));

        app.MapPost("/api/chat.update", async (HttpContext http) =>
        {
            var root = (await JsonDocument.ParseAsync(http.Request.Body)).RootElement.Clone();
            var ts = root.GetProperty("ts").GetString()!;
            var channel = root.GetProperty("channel").GetString();
            if (_deleted.ContainsKey(ts) || !Messages.Any(m => m.Endpoint == "chat.postMessage" && m.Ts == ts && m.Channel == channel))
            {
                await http.Response.WriteAsJsonAsync(new { ok = false, error = "message_not_found" });
                return;
            }

            if (BlockKit.Problems(root) is { Count: > 0 } problems)
            {
                InvalidMessages.Enqueue(string.Join("; ", problems));
                await http.Response.WriteAsJsonAsync(new { ok = false, error = "invalid_blocks" });
                return;
            }

            Messages.Enqueue(new ReceivedMessage("chat.update", channel, http.Request.Headers.Authorization, root) { Ts = ts });
            await http.Response.WriteAsJsonAsync(new { ok = true, channel, ts });
        });

        app.MapPost("/late/{id}", async (string id, HttpContext http) =>
        {
            var body = await JsonDocument.ParseAsync(http.Request.Body);
            _lateAnswers.GetOrAdd(id, _ => new TaskCompletionSource<JsonElement>()).TrySetResult(body.RootElement.Clone());
            return Results.Ok();
        });

        app.MapPost("/response/{id}", async (HttpContext http) =>
        {
            Interlocked.Increment(ref ResponseAttempts);
            if (ResponseStatus is { } failing)
            {
                return Results.StatusCode(failing);
            }

            if (_redirectResponsesTo is { } target)
            {
                return Results.Redirect(target.ToString(), preserveMethod: true);
            }

            var body = await JsonDocument.ParseAsync(http.Request.Body);
            if (BlockKit.Problems(body.RootElement) is { Count: > 0 } problems)
            {
                InvalidMessages.Enqueue(string.Join("; ", problems));
                return Results.BadRequest("invalid_blocks");
            }

            Messages.Enqueue(new ReceivedMessage(http.Request.Path, null, null, body.RootElement.Clone()));
            return Results.Ok();
        });
    }
}
