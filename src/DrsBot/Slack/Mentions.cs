namespace DrsBot.Slack;

/// <summary>Mention tokens described in words, for messages that say who will be alerted without alerting them.</summary>
public static class Mentions
{
    public static readonly string[] Broadcasts = ["here", "channel", "everyone"];

    /// <summary>"2 people, 1 group and `@here`": counts for people and groups, the broadcast named in code (never a ping).</summary>
    public static string Describe(IReadOnlyList<string> tokens)
    {
        var people = tokens.Count(t => t.StartsWith("<@", StringComparison.Ordinal));
        var groups = tokens.Count(t => t.StartsWith("<!subteam^", StringComparison.Ordinal));
        var parts = new List<string>();
        if (people > 0)
        {
            parts.Add(Format.Plural(people, "person", "people"));
        }

        if (groups > 0)
        {
            parts.Add(Format.Plural(groups, "group"));
        }

        parts.AddRange(Broadcasts.Where(b => tokens.Any(t => IsBroadcast(t, b))).Select(b => $"`@{b}`"));
        return parts.Count switch
        {
            0 => "no one",
            1 => parts[0],
            _ => $"{string.Join(", ", parts[..^1])} and {parts[^1]}",
        };
    }

    public static bool IsBroadcast(string token) => Broadcasts.Any(b => IsBroadcast(token, b));

    private static bool IsBroadcast(string token, string name) =>
        token.StartsWith($"<!{name}", StringComparison.Ordinal) && token.Length > name.Length + 2 && token[name.Length + 2] is '>' or '|';
}
