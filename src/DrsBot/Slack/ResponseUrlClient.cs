using System.Net.Http.Json;
using DrsBot.Infrastructure;

namespace DrsBot.Slack;

/// <summary>
/// Posts follow-up replies to a slash command's <c>response_url</c> (good for 5 posts in 30 minutes).
/// The URL itself is a credential for that conversation, so this client does not log it.
/// <para>
/// One for the process, taking an HttpClient from the factory for each post, so HttpClientFactory rotates its handler:
/// nearly every command is answered in time and never posts, and a typed client made for each of them was a wasted
/// HttpClient per command.
/// </para>
/// </summary>
public sealed partial class ResponseUrlClient(IHttpClientFactory clients, ResponseUrlPolicy policy, ILogger<ResponseUrlClient> logger)
{
    public const string HttpClientName = nameof(ResponseUrlClient);

    /// <summary>The most of a response_url answer DrsBot reads (Slack answers "ok").</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public async Task<bool> PostAsync(Uri responseUrl, SlackMessage message, CancellationToken ct)
    {
        if (!policy.IsAllowed(responseUrl))
        {
            LogRefusedUrl(logger, responseUrl.Host);
            return false;
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, responseUrl)
            {
                Content = JsonContent.Create(message, SlackJson.Message),
            };
            request.Options.Set(Telemetry.NotTraced, true);
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, ct);
            if (response.IsSuccessStatusCode)
            {
                return true;
            }

            LogFailed(logger, (int)response.StatusCode);
            return false;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or Polly.Timeout.TimeoutRejectedException && !ct.IsCancellationRequested)
        {
            LogUnreachable(logger, e.GetType().Name);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Did not post to a response_url on {Host}: not under Slack:ResponseUrlPrefixes")]
    private static partial void LogRefusedUrl(ILogger logger, string host);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack refused a response_url post with HTTP {Status}")]
    private static partial void LogFailed(ILogger logger, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reach Slack's response_url ({Error})")]
    private static partial void LogUnreachable(ILogger logger, string error);
}
