using System.Buffers;
using System.Text;

namespace DrsBot.Slack;

/// <summary>Slack mrkdwn helpers. Only &amp;, &lt; and &gt; need escaping (Slack: "Formatting text").</summary>
public static class Mrkdwn
{
    private static readonly SearchValues<char> Special = SearchValues.Create("&<>");

    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        // Most text (ids, speeds, numbers) has nothing to escape: hand it back without copying it.
        var first = text.AsSpan().IndexOfAny(Special);
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        builder.Append(text.AsSpan(0, first));
        foreach (var c in text.AsSpan(first))
        {
            _ = c switch
            {
                '&' => builder.Append("&amp;"),
                '<' => builder.Append("&lt;"),
                '>' => builder.Append("&gt;"),
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }

    /// <summary>Inline code that cannot be broken out of: backticks inside become a look-alike.</summary>
    public static string Code(string? text)
    {
        var escaped = Escape(text);
        return $"`{(escaped.Contains('`', StringComparison.Ordinal) ? escaped.Replace('`', 'ˋ') : escaped)}`";
    }

    /// <summary>A date Slack shows in each reader's own time zone, with a UTC fallback for old clients.</summary>
    public static string Date(DateTimeOffset when) =>
        $"<!date^{when.ToUnixTimeSeconds()}^{{date_short_pretty}} {{time_secs}}|{when.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC>";
}
