using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace DrsBot.Slack;

/// <summary>Typed client for Slack's Web API (<c>chat.postMessage</c>, <c>chat.update</c>), authenticated with the bot token.</summary>
public sealed partial class SlackWebApiClient(HttpClient http, IOptionsMonitor<SlackOptions> options, ILogger<SlackWebApiClient> logger)
    : IChannelPoster
{
    /// <summary>The most of a Web API answer DrsBot reads; chat.postMessage answers in a few KiB.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    public Task<PostResult> PostAsync(string channelId, SlackMessage message, CancellationToken ct, PostPlacement? placement = null) =>
        WithTextFallbackAsync(channelId, message, m => new PostMessageRequest(
            channelId, m.Text, m.Blocks, placement?.ThreadTs, placement is { ThreadTs: not null, AlsoToChannel: true } ? true : null,
            UnfurlLinks: false, UnfurlMedia: false), "chat.postMessage", ct);

    public Task<PostResult> UpdateAsync(string channelId, string ts, SlackMessage message, CancellationToken ct) =>
        WithTextFallbackAsync(channelId, message, m => new UpdateMessageRequest(channelId, ts, m.Text, m.Blocks), "chat.update", ct);

    private async Task<PostResult> WithTextFallbackAsync(
        string channelId, SlackMessage message, Func<SlackMessage, object> body, string method, CancellationToken ct)
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

    private async Task<PostResult> SendAsync(string channelId, object body, string method, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, method)
        {
            Content = JsonContent.Create(body, body.GetType(), options: SlackJson.Options),
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
            return new PostResult(PostOutcome.RetryLater, "unreachable");
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500)
            {
                LogHttpFailure(logger, channelId, (int)response.StatusCode);
                return new PostResult(PostOutcome.RetryLater, $"http_{(int)response.StatusCode}");
            }

            PostMessageResponse? answer = null;
            try
            {
                answer = await response.Content.ReadFromJsonAsync<PostMessageResponse>(SlackJson.Options, ct);
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
            or "team_access_not_granted" or "ekm_access_denied" => PostOutcome.ChannelUnavailable,
        "invalid_blocks" or "invalid_blocks_format" or "msg_too_long" or "too_many_attachments" or "no_text" => PostOutcome.Rejected,
        "message_not_found" or "thread_not_found" or "cant_update_message" or "edit_window_closed" => PostOutcome.MessageGone,
        "invalid_auth" or "not_authed" or "token_revoked" or "token_expired" or "account_inactive" or "missing_scope"
            or "not_allowed_token_type" or "no_permission" => PostOutcome.Misconfigured,
        // ratelimited, fatal_error, internal_error…: nothing about this message is wrong, so keep it until Slack recovers.
        _ => PostOutcome.RetryLater,
    };

    private sealed record PostMessageRequest(
        string Channel, string Text, IReadOnlyList<Block>? Blocks,
        [property: JsonPropertyName("thread_ts")] string? ThreadTs,
        [property: JsonPropertyName("reply_broadcast")] bool? ReplyBroadcast,
        [property: JsonPropertyName("unfurl_links")] bool UnfurlLinks,
        [property: JsonPropertyName("unfurl_media")] bool UnfurlMedia);

    private sealed record UpdateMessageRequest(string Channel, string Ts, string Text, IReadOnlyList<Block>? Blocks);

    private sealed record PostMessageResponse(bool Ok, string? Error, string? Ts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack refused a message for {Channel}: {Error} ({Outcome})")]
    private static partial void LogRefused(ILogger logger, string channel, string error, PostOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack answered HTTP {Status} for a message to {Channel}")]
    private static partial void LogHttpFailure(ILogger logger, string channel, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack could not be reached for a message to {Channel} ({Error})")]
    private static partial void LogUnreachable(ILogger logger, string channel, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack rejected the blocks for {Channel} ({Error}); sending the text alone")]
    private static partial void LogFallback(ILogger logger, string channel, string? error);
}
