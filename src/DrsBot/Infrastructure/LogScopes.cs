namespace DrsBot.Infrastructure;

/// <summary>
/// Log scopes as key/value pairs, so JSON logs carry them as fields: who asked (Slack team, channel, user) and
/// what DRS called the request (X-Request-Id, which Huawei support asks for). Ids only, never a token or a URL.
/// </summary>
public static class LogScopes
{
    public static Dictionary<string, object?> Slack(string teamId, string channelId, string userId) => new()
    {
        ["SlackTeam"] = teamId,
        ["SlackChannel"] = channelId,
        ["SlackUser"] = userId,
    };

    public static Dictionary<string, object?> DrsRequest(string? requestId) => new() { ["DrsRequestId"] = requestId };

    public static Dictionary<string, object?> Comparison(string key) => new() { ["Comparison"] = key };
}
