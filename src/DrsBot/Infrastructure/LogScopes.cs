using System.Collections;

namespace DrsBot.Infrastructure;

/// <summary>
/// Log scopes as key/value pairs, so JSON logs carry them as fields: who asked (Slack team, channel, user) and in
/// which HTTP request, and what DRS called its request (X-Request-Id, which Huawei support asks for). Ids only,
/// never a token or a URL.
/// </summary>
public static class LogScopes
{
    /// <summary>
    /// A command's or a button press's scope. It carries the HTTP request's id itself because ASP.NET Core's own
    /// request scope is off (<c>Microsoft.AspNetCore.Hosting.Diagnostics</c> is <c>None</c> in appsettings.json): that
    /// scope, and the activity started for it, would carry again the ids this scope already has.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, object?>> Slack(string teamId, string channelId, string userId, string requestId) =>
        new Fields([new("SlackTeam", teamId), new("SlackChannel", channelId), new("SlackUser", userId), new("RequestId", requestId)]);

    public static IReadOnlyList<KeyValuePair<string, object?>> DrsRequest(string? requestId) => new Fields([new("DrsRequestId", requestId)]);

    public static IReadOnlyList<KeyValuePair<string, object?>> Comparison(string key) => new Fields([new("Comparison", key)]);

    /// <summary>A scope's values, indexable (formatters read them without an enumerator) and readable as text.</summary>
    private sealed class Fields(KeyValuePair<string, object?>[] values) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => values.Length;

        public KeyValuePair<string, object?> this[int index] => values[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)values).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => string.Join(' ', values.Select(v => $"{v.Key}:{v.Value}"));
    }
}
