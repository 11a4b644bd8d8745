using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DrsBot.Tests.Fakes;

/// <summary>
/// Slack's Socket Mode, served by <see cref="FakeSlack"/>: <c>POST /api/apps.connections.open</c> (checking the app token) hands out a ws://
/// URL; each connection gets <c>hello</c>, then whatever envelopes a test sends; acknowledgements are recorded by
/// envelope id. A test can ask every connection to refresh (<c>disconnect</c>), or make the token refused.
/// </summary>
public sealed class FakeSocketMode(Func<Uri> baseUrl)
{
    public const string AppToken = "xapp-1-A0APP-1234-test-app-token";

    private readonly ConcurrentDictionary<int, (WebSocket Socket, SemaphoreSlim Gate)> _open = new();
    private int _next;

    /// <summary>apps.connections.open calls, and whether each carried the right app token.</summary>
    public ConcurrentQueue<bool> Opens { get; } = new();

    /// <summary>Acknowledgements received: envelope id → the ack frames (one, unless Slack delivered it twice).</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<JsonElement>> Acks { get; } = new();

    /// <summary>When set, apps.connections.open answers <c>{"ok":false,"error":…}</c>.</summary>
    public string? Refuse { get; set; }

    public int OpenConnections => _open.Count;

    public async Task WaitForConnectionsAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (_open.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{_open.Count} Socket Mode connections open, not {count}.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Sends an envelope on one open connection (the first, or the one given) and waits for its ack.</summary>
    public async Task<JsonElement> SendAsync(string id, string type, object payload, bool acceptsResponsePayload = true, TimeSpan? timeout = null)
    {
        var frame = JsonSerializer.Serialize(new { envelope_id = id, type, payload, accepts_response_payload = acceptsResponsePayload });
        var before = Acks.TryGetValue(id, out var earlier) ? earlier.Count : 0; // an envelope delivered again waits for its new ack
        // Slack delivers on one open connection; one that closes as it is chosen is skipped, as Slack would.
        var sent = false;
        foreach (var (key, (socket, gate)) in _open.OrderByDescending(c => c.Key).ToList())
        {
            await gate.WaitAsync();
            try
            {
                if (socket.State == WebSocketState.Open)
                {
                    await socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, CancellationToken.None);
                    sent = true;
                    break;
                }
            }
            catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
            {
                _open.TryRemove(key, out _);
            }
            finally
            {
                gate.Release();
            }
        }

        Assert.True(sent, "no open Socket Mode connection to deliver on");

        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(3)); // Slack's limit for an acknowledgement
        while (!Acks.TryGetValue(id, out var acks) || acks.Count <= before)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Envelope {id} was not acknowledged within {(timeout ?? TimeSpan.FromSeconds(3)).TotalSeconds} s.");
            }

            await Task.Delay(10);
        }

        return Acks[id].Last();
    }

    /// <summary>Slack refreshing every connection: <c>disconnect</c> with a reason, then the socket closed.</summary>
    public async Task DisconnectAllAsync(string reason = "refresh_requested")
    {
        foreach (var (key, (socket, gate)) in _open.ToList())
        {
            await gate.WaitAsync();
            try
            {
                var bye = JsonSerializer.Serialize(new { type = "disconnect", reason, debug_info = new { host = "fake" } });
                await socket.SendAsync(Encoding.UTF8.GetBytes(bye), WebSocketMessageType.Text, true, CancellationToken.None);
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, reason, CancellationToken.None);
            }
            catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
            {
                // DrsBot closed it first, on the disconnect: what Slack wanted.
            }
            finally
            {
                gate.Release();
            }

            _open.TryRemove(key, out _);
        }
    }

    public void Map(WebApplication app)
    {
        app.MapPost("/api/apps.connections.open", (HttpContext http) =>
        {
            var authorized = http.Request.Headers.Authorization == $"Bearer {AppToken}";
            Opens.Enqueue(authorized);
            if (Refuse is { } error || !authorized)
            {
                return Results.Json(new { ok = false, error = Refuse ?? "invalid_auth" });
            }

            var url = new UriBuilder(baseUrl()) { Scheme = "ws", Path = "/link", Query = $"ticket={Guid.NewGuid():N}" }.Uri;
            return Results.Json(new { ok = true, url = url.ToString() });
        });
        app.Map("/link", async (HttpContext http) =>
        {
            if (!http.WebSockets.IsWebSocketRequest)
            {
                http.Response.StatusCode = 400;
                return;
            }

            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            var gate = new SemaphoreSlim(1, 1);
            var key = Interlocked.Increment(ref _next);
            var hello = JsonSerializer.Serialize(new { type = "hello", num_connections = _open.Count + 1, connection_info = new { app_id = "A0APP" } });
            await socket.SendAsync(Encoding.UTF8.GetBytes(hello), WebSocketMessageType.Text, true, CancellationToken.None);
            _open[key] = (socket, gate);
            var buffer = new byte[64 * 1024];
            try
            {
                while (socket.State == WebSocketState.Open)
                {
                    var result = await socket.ReceiveAsync(buffer, http.RequestAborted);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    var ack = JsonDocument.Parse(buffer.AsMemory(0, result.Count)).RootElement.Clone();
                    Acks.GetOrAdd(ack.GetProperty("envelope_id").GetString()!, _ => new()).Enqueue(ack);
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
            finally
            {
                _open.TryRemove(key, out _);
            }
        });
    }
}
