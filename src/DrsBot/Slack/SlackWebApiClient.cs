using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using DrsBot.Infrastructure;
using Microsoft.Extensions.Options;

namespace DrsBot.Slack;

/// <summary>Typed client for Slack's Web API (<c>chat.postMessage</c>, <c>chat.update</c>), authenticated with the bot token.</summary>
public sealed partial class SlackWebApiClient(HttpClient http, IOptionsMonitor<SlackOptions> options, ILogger<SlackWebApiClient> logger)
    : IChannelPoster, ISlackHomeApi
{
    /// <summary>The most of a Web API answer DrsBot reads; chat.postMessage answers in a few KiB.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>The <c>event_type</c> of the metadata every channel message carries, to find it again.</summary>
    public const string MetadataEventType = "drsbot_notification";

    /// <summary>Messages read back per history page, and pages at most: a busy channel's last 1,000 messages.</summary>
    private const int HistoryPage = 200, HistoryPages = 5;

    /// <summary>Slack's JSON (<see cref="SlackJson.Options"/>) for the Web API's own requests and answers.</summary>
    private static readonly JsonSerializerOptions Json = SlackJson.With(WebApiJson.Default);

    public Task<PostResult> PostAsync(string channelId, SlackMessage message, CancellationToken ct, PostPlacement? placement = null, string? metadataId = null) =>
        WithTextFallbackAsync(channelId, message, m => new PostMessageRequest(
            channelId, m.Text, m.Blocks, placement?.ThreadTs, placement is { ThreadTs: not null, AlsoToChannel: true } ? true : null,
            UnfurlLinks: false, UnfurlMedia: false,
            metadataId is null ? null : new MessageMetadata(MetadataEventType, new Dictionary<string, string> { ["id"] = metadataId })), "chat.postMessage", ct);

    public async Task<LookupResult> FindAsync(string channelId, string? threadTs, string metadataId, DateTimeOffset since, CancellationToken ct)
    {
        var method = threadTs is null ? "conversations.history" : "conversations.replies";
        string? cursor = null;
        for (var page = 0; page < HistoryPages; page++)
        {
            var form = new Dictionary<string, string>
            {
                ["channel"] = channelId,
                ["oldest"] = (since.ToUnixTimeMilliseconds() / 1000m).ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture),
                ["inclusive"] = "true",
                ["include_all_metadata"] = "true",
                ["limit"] = HistoryPage.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            if (threadTs is not null)
            {
                form["ts"] = threadTs;
            }

            if (cursor is not null)
            {
                form["cursor"] = cursor;
            }

            var answer = await ReadFormCallAsync<HistoryAnswer>(method, form, ct);

            switch (answer)
            {
                case null:
                    return new LookupResult(LookupOutcome.Failed, Error: "unreachable");
                case { Ok: false, Error: "missing_scope" or "not_allowed_token_type" }:
                    return new LookupResult(LookupOutcome.CannotLook, Error: answer.Error);
                case { Ok: false }:
                    LogLookupRefused(logger, channelId, answer.Error);
                    return new LookupResult(LookupOutcome.Failed, Error: answer.Error);
            }

            if (answer.Messages?.FirstOrDefault(m => m.Metadata is { EventType: MetadataEventType } meta
                                                   && meta.EventPayload?.GetValueOrDefault("id") == metadataId) is { } found)
            {
                return new LookupResult(LookupOutcome.Found, found.Ts);
            }

            cursor = answer.ResponseMetadata?.NextCursor;
            if (answer.HasMore != true || string.IsNullOrEmpty(cursor))
            {
                break;
            }
        }

        return new LookupResult(LookupOutcome.NotFound);
    }

    public Task<PostResult> UpdateAsync(string channelId, string ts, SlackMessage message, CancellationToken ct) =>
        WithTextFallbackAsync(channelId, message, m => new UpdateMessageRequest(channelId, ts, m.Text, m.Blocks), "chat.update", ct);

    private async Task<PostResult> WithTextFallbackAsync<T>(
        string channelId, SlackMessage message, Func<SlackMessage, T> body, string method, CancellationToken ct)
    {
        var result = await SendAsync(channelId, body(message), method, ct);

        // A message Slack finds too large or malformed still owes the channel its news: send the plain text.
        if (result.Outcome == PostOutcome.Rejected && message.Blocks is not null)
        {
            LogFallback(logger, channelId, result.Error);
            result = await SendAsync(channelId, body(message with { Blocks = null }), method, ct);
        }

        return result;
    }

    private async Task<PostResult> SendAsync<T>(string channelId, T body, string method, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, method)
        {
            Content = JsonContent.Create(body, Json.TypeInfo<T>()),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.CurrentValue.BotToken);

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or TaskCanceledException
                                      or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException)
        {
            LogUnreachable(logger, channelId, e.GetType().Name);
            // A connection never made posted nothing; a timeout or a connection lost after sending may have.
            return SlackResilience.NeverSent(e)
                ? new PostResult(PostOutcome.RetryLater, "unreachable")
                : new PostResult(PostOutcome.MaybePosted, "no_answer");
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                LogHttpFailure(logger, channelId, (int)response.StatusCode);
                return new PostResult(PostOutcome.RetryLater, "http_429");
            }

            if ((int)response.StatusCode >= 500)
            {
                LogHttpFailure(logger, channelId, (int)response.StatusCode);
                return new PostResult(PostOutcome.MaybePosted, $"http_{(int)response.StatusCode}");
            }

            PostMessageResponse? answer = null;
            try
            {
                answer = await response.Content.ReadFromJsonAsync(Json.TypeInfo<PostMessageResponse>(), ct);
            }
            catch (System.Text.Json.JsonException)
            {
            }

            if (answer is { Ok: true })
            {
                return PostResult.Ok with { Timestamp = answer.Ts };
            }

            var error = answer?.Error ?? $"http_{(int)response.StatusCode}";
            var outcome = Classify(error);
            LogRefused(logger, channelId, error, outcome);
            return new PostResult(outcome, error);
        }
    }

    /// <summary>Slack's <c>ok:false</c> errors (docs: chat.postMessage, "Errors").</summary>
    public static PostOutcome Classify(string error) => error switch
    {
        "not_in_channel" or "channel_not_found" or "is_archived" or "restricted_action"
            or "restricted_action_read_only_channel" or "restricted_action_thread_only_channel"
            or "team_access_not_granted" or "ekm_access_denied" => PostOutcome.ChannelPaused,
        "invalid_blocks" or "invalid_blocks_format" or "msg_too_long" or "too_many_attachments" or "no_text" => PostOutcome.Rejected,
        "message_not_found" or "thread_not_found" or "cant_update_message" or "edit_window_closed" => PostOutcome.MessageGone,
        "invalid_auth" or "not_authed" or "token_revoked" or "token_expired" or "account_inactive" or "missing_scope"
            or "not_allowed_token_type" or "no_permission" => PostOutcome.Misconfigured,
        // Slack failed while handling it: the message may be in the channel already.
        "fatal_error" or "internal_error" or "request_timeout" => PostOutcome.MaybePosted,
        // ratelimited and the like: nothing about this message is wrong, and it was not posted; keep it until Slack recovers.
        _ => PostOutcome.RetryLater,
    };

    private sealed record PostMessageRequest(
        string Channel, string Text, IReadOnlyList<Block>? Blocks,
        [property: JsonPropertyName("thread_ts")] string? ThreadTs,
        [property: JsonPropertyName("reply_broadcast")] bool? ReplyBroadcast,
        [property: JsonPropertyName("unfurl_links")] bool UnfurlLinks,
        [property: JsonPropertyName("unfurl_media")] bool UnfurlMedia,
        [property: JsonPropertyName("metadata")] MessageMetadata? Metadata);

    private sealed record MessageMetadata(
        [property: JsonPropertyName("event_type")] string EventType,
        [property: JsonPropertyName("event_payload")] Dictionary<string, string>? EventPayload);

    private sealed record HistoryAnswer(
        bool Ok, string? Error, IReadOnlyList<HistoryMessage>? Messages,
        [property: JsonPropertyName("has_more")] bool? HasMore,
        [property: JsonPropertyName("response_metadata")] ResponseMetadata? ResponseMetadata);

    private sealed record HistoryMessage(string? Ts, MessageMetadata? Metadata);

    private sealed record ResponseMetadata([property: JsonPropertyName("next_cursor")] string? NextCursor);

    /// <summary>At most this many channels of one person are read (two pages): a Home tab shows far fewer.</summary>
    private const int MaxChannelPages = 5;

    public async Task<IReadOnlyList<string>?> ChannelsOfAsync(string userId, CancellationToken ct)
    {
        var channels = new List<string>();
        string? cursor = null;
        for (var page = 0; page < MaxChannelPages; page++)
        {
            var form = new Dictionary<string, string>
            {
                ["user"] = userId,
                ["types"] = "public_channel,private_channel",
                ["exclude_archived"] = "true",
                ["limit"] = "200",
            };
            if (cursor is not null)
            {
                form["cursor"] = cursor;
            }

            var answer = await ReadFormCallAsync<ConversationsAnswer>("users.conversations", form, ct);

            if (answer is not { Ok: true })
            {
                LogHomeRefused(logger, "users.conversations", answer?.Error ?? "unreachable");
                return null; // a Home tab that cannot tell channels apart shows nothing rather than too much
            }

            channels.AddRange((answer.Channels ?? []).Select(c => c.Id).OfType<string>());
            cursor = answer.ResponseMetadata?.NextCursor;
            if (string.IsNullOrEmpty(cursor))
            {
                break;
            }
        }

        return channels;
    }

    public async Task<bool> PublishHomeAsync(string userId, HomeView view, string? hash, CancellationToken ct) =>
        await ViewCallAsync("views.publish", new PublishRequest(userId, view, hash), ct) is not null;

    public async Task<string?> OpenModalAsync(string triggerId, ModalView view, CancellationToken ct) =>
        (await ViewCallAsync("views.open", new OpenRequest(triggerId, view), ct))?.View?.Id;

    public async Task<bool> UpdateModalAsync(string viewId, ModalView view, CancellationToken ct) =>
        await ViewCallAsync("views.update", new UpdateRequest(viewId, view), ct) is not null;

    /// <summary>views.publish, views.open or views.update: Slack's answer when it took the view, else null (logged).</summary>
    private async Task<ViewAnswer?> ViewCallAsync<T>(string method, T body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, method)
        {
            Content = JsonContent.Create(body, Json.TypeInfo<T>()),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.CurrentValue.BotToken);
        try
        {
            using var response = await http.SendAsync(request, ct);
            var answer = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync(Json.TypeInfo<ViewAnswer>(), ct) : null;
            if (answer is { Ok: true })
            {
                return answer;
            }

            LogHomeRefused(logger, method, answer?.Error ?? $"http_{(int)response.StatusCode}");
            return null;
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException
                                      or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException)
        {
            LogHomeRefused(logger, method, "unreachable");
            return null;
        }
    }

    /// <summary>A Web API method called with a form (the reads); its answer, or null when Slack did not give one.</summary>
    private async Task<T?> ReadFormCallAsync<T>(string method, Dictionary<string, string> form, CancellationToken ct) where T : class
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, method) { Content = new FormUrlEncodedContent(form) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.CurrentValue.BotToken);
            using var response = await http.SendAsync(request, ct);
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync(Json.TypeInfo<T>(), ct) : null;
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException
                                      or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException)
        {
            return null;
        }
    }

    private sealed record PublishRequest([property: JsonPropertyName("user_id")] string UserId, HomeView View, string? Hash);

    private sealed record OpenRequest([property: JsonPropertyName("trigger_id")] string TriggerId, ModalView View);

    private sealed record UpdateRequest([property: JsonPropertyName("view_id")] string ViewId, ModalView View);

    private sealed record ViewAnswer(bool Ok, string? Error, ViewRef? View);

    private sealed record ViewRef(string? Id);

    private sealed record ConversationsAnswer(bool Ok, string? Error, IReadOnlyList<ConversationRef>? Channels,
        [property: JsonPropertyName("response_metadata")] CursorMetadata? ResponseMetadata);

    private sealed record ConversationRef(string? Id);

    private sealed record CursorMetadata([property: JsonPropertyName("next_cursor")] string? NextCursor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack refused {Method} for a Home tab: {Error}")]
    private static partial void LogHomeRefused(ILogger logger, string method, string error);

    private sealed record UpdateMessageRequest(string Channel, string Ts, string Text, IReadOnlyList<Block>? Blocks);

    private sealed record PostMessageResponse(bool Ok, string? Error, string? Ts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack refused to show {Channel}'s recent messages ({Error}); whether a post landed stays unknown for now")]
    private static partial void LogLookupRefused(ILogger logger, string channel, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack refused a message for {Channel}: {Error} ({Outcome})")]
    private static partial void LogRefused(ILogger logger, string channel, string error, PostOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack answered HTTP {Status} for a message to {Channel}")]
    private static partial void LogHttpFailure(ILogger logger, string channel, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack could not be reached for a message to {Channel} ({Error})")]
    private static partial void LogUnreachable(ILogger logger, string channel, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack rejected the blocks for {Channel} ({Error}); sending the text alone")]
    private static partial void LogFallback(ILogger logger, string channel, string? error);

    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
        PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonSerializable(typeof(PostMessageRequest))]
    [JsonSerializable(typeof(UpdateMessageRequest))]
    [JsonSerializable(typeof(PostMessageResponse))]
    [JsonSerializable(typeof(HistoryAnswer))]
    [JsonSerializable(typeof(ConversationsAnswer))]
    [JsonSerializable(typeof(PublishRequest))]
    [JsonSerializable(typeof(OpenRequest))]
    [JsonSerializable(typeof(UpdateRequest))]
    [JsonSerializable(typeof(ViewAnswer))]
    private sealed partial class WebApiJson : JsonSerializerContext;
}
