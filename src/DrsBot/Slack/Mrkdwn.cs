using System.Text;

namespace DrsBot.Slack;

/// <summary>Slack mrkdwn helpers. Only &amp;, &lt; and &gt; need escaping (Slack: "Formatting text").</summary>
public static class Mrkdwn
{
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }

    /// <summary>Inline code that cannot be broken out of: backticks inside become a look-alike.</summary>
    public static string Code(string? text) => $"`{Escape(text).Replace('`', 'ˋ')}`";

    /// <summary>A date Slack shows in each reader's own time zone, with a UTC fallback for old clients.</summary>
    public static string Date(DateTimeOffset when) =>
        $"<!date^{when.ToUnixTimeSeconds()}^{{date_short_pretty}} {{time_secs}}|{when.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC>";
}
