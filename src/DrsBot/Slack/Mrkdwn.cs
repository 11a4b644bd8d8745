using System.Buffers;

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

        // Most text (ids, speeds, numbers) has nothing to escape: hand it back without copying it.
        return text.AsSpan().IndexOfAny(EscapedText.Special) < 0
            ? text
            : new EscapedText(text, inCode: false).ToString();
    }

    /// <summary>Inline code that cannot be broken out of: backticks inside become a look-alike.</summary>
    public static string Code(string? text) => new CodeText(text).ToString();

    /// <summary>A date Slack shows in each reader's own time zone, with a UTC fallback for old clients.</summary>
    public static string Date(DateTimeOffset when) => new DateText(when).ToString();
}

// The two as values an interpolated string writes straight into its buffer: a card built from
// $"Job {new CodeText(id)} · Read {new DateText(at)}" allocates its one string, not one per piece.

/// <summary><see cref="Mrkdwn.Code"/>'s text, written where it is needed.</summary>
public readonly struct CodeText(string? text) : ISpanFormattable
{
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        destination.TryWrite(null, $"`{new EscapedText(text, inCode: true)}`", out charsWritten);

    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    public override string ToString() => string.Create(null, stackalloc char[128], $"{this}");
}

/// <summary><see cref="Mrkdwn.Date"/>'s text, written where it is needed.</summary>
public readonly struct DateText(DateTimeOffset when) : ISpanFormattable
{
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        destination.TryWrite(System.Globalization.CultureInfo.InvariantCulture,
            $"<!date^{when.ToUnixTimeSeconds()}^{{date_short_pretty}} {{time_secs}}|{when.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC>",
            out charsWritten);

    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    public override string ToString() => string.Create(null, stackalloc char[96], $"{this}");
}

/// <summary>
/// Text with Slack's three specials as entities (&amp;, &lt;, &gt;) and, inside a code span, backticks as a look-alike:
/// the one escaping rule, which <see cref="Mrkdwn.Escape"/> and <see cref="CodeText"/> both write with.
/// </summary>
internal readonly struct EscapedText(string? text, bool inCode) : ISpanFormattable
{
    internal static readonly SearchValues<char> Special = SearchValues.Create("&<>");
    private static readonly SearchValues<char> SpecialInCode = SearchValues.Create("&<>`");

    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        charsWritten = 0;
        var at = 0;
        // Runs of plain text are copied whole; each special character becomes its entity or look-alike.
        for (var rest = text.AsSpan(); ;)
        {
            var next = rest.IndexOfAny(inCode ? SpecialInCode : Special);
            if (next < 0)
            {
                if (!Put(destination, ref at, rest))
                {
                    return false;
                }

                charsWritten = at;
                return true;
            }

            var replacement = rest[next] switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                _ => "ˋ",
            };
            if (!Put(destination, ref at, rest[..next]) || !Put(destination, ref at, replacement))
            {
                return false;
            }

            rest = rest[(next + 1)..];
        }
    }

    private static bool Put(Span<char> destination, ref int at, ReadOnlySpan<char> piece)
    {
        if (!piece.TryCopyTo(destination[at..]))
        {
            return false;
        }

        at += piece.Length;
        return true;
    }

    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    public override string ToString() => string.Create(null, stackalloc char[256], $"{this}");
}
