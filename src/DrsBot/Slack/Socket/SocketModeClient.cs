using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using DrsBot.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace DrsBot.Slack.Socket;

/// <summary>
/// Socket Mode (<c>Slack:Mode</c> = <c>Socket</c>): DrsBot connects out to Slack and receives commands, button presses
/// and events as envelopes over WebSockets, so it needs no public URL. It keeps <see cref="Connections"/> connections,
/// each fetching a fresh URL (<c>apps.connections.open</c>) for every connect, so Slack's periodic refresh of one never
/// leaves a gap. Each envelope is acknowledged within Slack's 3 seconds (a command's answer as the ack's payload) and
/// goes through the same router, checks and limits as over HTTP; only the signature check is replaced by the socket.
/// An envelope Slack delivers again (after a lost ack) is answered once.
/// </summary>
public sealed partial class SocketModeClient(
    IHttpClientFactory clients,
    IServiceScopeFactory scopes,
    IOptionsMonitor<SlackOptions> options,
    InteractionHandler interactions,
    DrsBotMetrics metrics,
    TimeProvider time,
    ILogger<SocketModeClient> logger,
    ISlackHome? home = null) : BackgroundService, IHealthCheck
{
    public const int Connections = 2;
    public const string HttpClientName = "slack-socket";

    /// <summary>Any frame larger than this is not one of Slack's envelopes for DrsBot (an interactive payload is a few KiB).</summary>
    public const int MaxFrameBytes = 512 * 1024;

    /// <summary>apps.connections.open answers after which retrying cannot help: the token or the app must be fixed.</summary>
    private static readonly HashSet<string> Fatal = ["not_authed", "invalid_auth", "account_inactive", "user_removed_from_team", "team_disabled", "token_revoked"];

    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new();
    private int _open;
    private volatile string? _stoppedBecause;

    public int Open => Volatile.Read(ref _open);

    /// <summary>Ready while at least one connection is open; unhealthy for good once Slack refused the app token.</summary>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) => Task.FromResult(
        options.CurrentValue.Mode != SlackMode.Socket ? HealthCheckResult.Healthy("HTTP mode: Slack calls DrsBot")
        : _stoppedBecause is { } reason ? HealthCheckResult.Unhealthy($"Slack refused Slack:AppToken ({reason})")
        : Open > 0 ? HealthCheckResult.Healthy($"{Open} Socket Mode connection(s) open")
        : HealthCheckResult.Unhealthy("no Socket Mode connection open yet"));

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (options.CurrentValue.Mode != SlackMode.Socket)
        {
            return;
        }

        metrics.ObserveSocketConnections(() => Open);
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(n => KeepConnectedAsync(n, stop)));
    }

    private async Task KeepConnectedAsync(int slot, CancellationToken stop)
    {
        var failures = 0;
        while (!stop.IsCancellationRequested && _stoppedBecause is null)
        {
            try
            {
                var url = await OpenUrlAsync(stop);
                if (url is null)
                {
                    return; // a fatal refusal: logged, /readyz fails, no more tries
                }

                using var socket = new ClientWebSocket();
                socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(5);
                await socket.ConnectAsync(url, stop);
                failures = 0;
                await ReceiveAsync(socket, slot, stop);
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                failures++;
                LogConnectionLost(logger, slot, e.GetType().Name, e.Message);
            }

            if (!stop.IsCancellationRequested && _stoppedBecause is null)
            {
                // Jittered backoff: 0.5 – 1 s after a clean disconnect, doubling to at most 30 s while connects fail.
                var ceiling = Math.Min(30, Math.Pow(2, Math.Min(failures, 5)));
                var wait = TimeSpan.FromSeconds(ceiling * (0.5 + (Random.Shared.NextDouble() / 2)));
                await Task.Delay(wait, time, stop).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>A fresh wss:// URL; null when Slack refuses the token for good (then nothing retries).</summary>
    private async Task<Uri?> OpenUrlAsync(CancellationToken ct)
    {
        using var http = clients.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.CurrentValue.ApiBaseUrl.AsBaseAddress(), "apps.connections.open"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.CurrentValue.AppToken);
        using var response = await http.SendAsync(request, ct);
        var answer = await response.Content.ReadFromJsonAsync(SocketJson.Default.OpenAnswer, ct);
        if (answer is { Ok: true, Url: { } url } && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "wss" or "ws")
        {
            return uri;
        }

        var error = answer?.Error ?? $"http_{(int)response.StatusCode}";
        if (Fatal.Contains(error))
        {
            _stoppedBecause = error;
            LogRefused(logger, error);
            return null;
        }

        throw new HttpRequestException($"apps.connections.open answered {error}");
    }

    private async Task ReceiveAsync(ClientWebSocket socket, int slot, CancellationToken stop)
    {
        var counted = false;
        var buffer = new byte[16 * 1024];
        using var sending = new SemaphoreSlim(1, 1); // one frame at a time on a socket
        try
        {
            while (socket.State == WebSocketState.Open && !stop.IsCancellationRequested)
            {
                using var frame = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer, stop);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    frame.Write(buffer, 0, result.Count);
                    if (frame.Length > MaxFrameBytes)
                    {
                        LogOversized(logger, slot);
                        return; // not Slack's: drop the connection, a fresh one follows
                    }
                }
                while (!result.EndOfMessage);

                var message = Parse(frame.ToArray());
                switch (message?.Type)
                {
                    case "hello":
                        if (!counted)
                        {
                            Interlocked.Increment(ref _open);
                            counted = true;
                        }

                        LogHello(logger, slot);
                        break;
                    case "disconnect":
                        LogDisconnect(logger, slot, message.Reason ?? "unknown");
                        return; // a fresh URL and a new connection; the other connection carries envelopes meanwhile
                    case "slash_commands" or "interactive" or "events_api" when message.EnvelopeId is { Length: > 0 and <= 128 } id:
                        _ = HandleAsync(socket, sending, id, message, stop); // each envelope on its own: a slow one holds up none
                        break;
                }
            }
        }
        finally
        {
            if (counted)
            {
                Interlocked.Decrement(ref _open);
            }
        }
    }

    private async Task HandleAsync(ClientWebSocket socket, SemaphoreSlim sending, string envelopeId, Frame envelope, CancellationToken stop)
    {
        JsonNode? ackPayload = null;
        var first = Remember(envelopeId);
        try
        {
            if (first && envelope.Payload is { } payload)
            {
                ackPayload = envelope.Type switch
                {
                    "slash_commands" => await CommandAsync(payload),
                    "interactive" => Press(payload),
                    _ => Event(payload),
                };
            }
        }
        catch (Exception e) when (!stop.IsCancellationRequested)
        {
            LogFailed(logger, envelope.Type ?? "?", e);
            ackPayload = envelope.Type == "slash_commands" ? JsonSerializer.SerializeToNode(SlackMessage.SomethingWentWrong(), SlackJson.Message) : null;
        }

        // Acknowledged either way: one Slack redelivers is answered again only with an empty ack.
        var ack = new JsonObject { ["envelope_id"] = envelopeId };
        if (envelope.AcceptsResponsePayload && ackPayload is not null)
        {
            ack["payload"] = ackPayload;
        }

        try
        {
            await SendAsync(socket, sending, ack, stop);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The connection went while the answer was made, and Slack delivers the envelope again on another. A
            // command's answer was in this lost ack, so the redelivery runs it again (reading, or setting the same
            // subscription again); a press or an event already did its work and answers elsewhere, so it is only acked.
            if (envelope.Type == "slash_commands")
            {
                _seen.TryRemove(envelopeId, out _);
            }

            LogAckLost(logger, envelope.Type ?? "?");
        }
    }

    /// <summary>True the first time an envelope id is seen in the last ten minutes.</summary>
    private bool Remember(string envelopeId)
    {
        var now = time.GetUtcNow();
        if (_seen.Count > 10_000)
        {
            foreach (var old in _seen.Where(s => now - s.Value > TimeSpan.FromMinutes(10)).Select(s => s.Key).ToList())
            {
                _seen.TryRemove(old, out _);
            }
        }

        return _seen.TryAdd(envelopeId, now);
    }

    private async Task<JsonNode?> CommandAsync(JsonElement payload)
    {
        var command = FromPayload(payload);
        await using var scope = scopes.CreateAsyncScope();
        using var logScope = logger.BeginScope(LogScopes.Slack(command.TeamId, command.ChannelId, command.UserId, "socket"));
        var reply = await scope.ServiceProvider.GetRequiredService<ISlackCommands>().HandleAsync(command);
        return JsonSerializer.SerializeToNode(reply, SlackJson.Message);
    }

    private JsonNode? Press(JsonElement payload)
    {
        if (Interaction.FromJson(payload.GetRawText()) is { } interaction)
        {
            interactions.Accept(interaction, "socket");
        }

        return null;
    }

    private JsonNode? Event(JsonElement payload)
    {
        if (SlackEvent.FromJson(Encoding.UTF8.GetBytes(payload.GetRawText())) is HomeOpened opened)
        {
            home?.Opened(opened);
        }

        return null;
    }

    /// <summary>A slash command from an envelope's payload: the same fields as the HTTP form, held to the same limits.</summary>
    private SlashCommand FromPayload(JsonElement p)
    {
        string Field(string name) => p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";
        var text = Field("text");
        return new SlashCommand(Field("team_id"), Field("channel_id"), Field("channel_name"), Field("user_id"), Field("command"),
            text.Length > options.CurrentValue.MaxRequestBytes ? text[..options.CurrentValue.MaxRequestBytes] : text, SlashCommand.ResponseUrlOf(Field("response_url")))
        {
            EnterpriseId = Field("enterprise_id") is { Length: > 0 } enterprise ? enterprise : null,
        };
    }

    private static async Task SendAsync(ClientWebSocket socket, SemaphoreSlim sending, JsonObject message, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString(SlackJson.Options));
        await sending.WaitAsync(ct);
        try
        {
            await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, ct);
        }
        finally
        {
            sending.Release();
        }
    }

    private static Frame? Parse(byte[] json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, SocketJson.Default.Frame);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Frame(
        string? Type,
        string? Reason,
        [property: JsonPropertyName("envelope_id")] string? EnvelopeId,
        JsonElement? Payload,
        [property: JsonPropertyName("accepts_response_payload")] bool AcceptsResponsePayload);

    private sealed record OpenAnswer(bool Ok, string? Url, string? Error);

    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web, MaxDepth = 32)]
    [JsonSerializable(typeof(Frame))]
    [JsonSerializable(typeof(OpenAnswer))]
    private sealed partial class SocketJson : JsonSerializerContext;

    [LoggerMessage(Level = LogLevel.Information, Message = "Socket Mode connection {Slot} open")]
    private static partial void LogHello(ILogger logger, int slot);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack asked Socket Mode connection {Slot} to reconnect ({Reason}); opening a new one")]
    private static partial void LogDisconnect(ILogger logger, int slot, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Socket Mode connection {Slot} lost ({Kind}: {Reason}); reconnecting")]
    private static partial void LogConnectionLost(ILogger logger, int slot, string kind, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Slack refused Slack:AppToken ({Error}): Socket Mode stops retrying and /readyz fails. Fix the app-level token (xapp-…, connections:write) and restart")]
    private static partial void LogRefused(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Socket Mode connection {Slot} sent a frame over the size limit; dropped the connection")]
    private static partial void LogOversized(ILogger logger, int slot);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The acknowledgement of a Socket Mode {Type} envelope was lost with its connection; Slack delivers it again")]
    private static partial void LogAckLost(ILogger logger, string type);

    [LoggerMessage(Level = LogLevel.Error, Message = "A Socket Mode {Type} envelope failed")]
    private static partial void LogFailed(ILogger logger, string type, Exception e);
}
