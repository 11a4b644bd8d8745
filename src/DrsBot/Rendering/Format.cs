using System.Globalization;

namespace DrsBot.Rendering;

/// <summary>Numbers and durations the way an engineer reads them on a phone.</summary>
public static class Format
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Percent(double progress) =>
        string.Create(Invariant, $"{Math.Clamp(progress, 0, 100):0.##} %");

    /// <summary>A ten-cell bar: monospace in Slack when wrapped in backticks.</summary>
    public static string ProgressBar(double progress)
    {
        var filled = (int)Math.Floor(Math.Clamp(progress, 0, 100) / 10);
        return new string('█', filled) + new string('░', 10 - filled);
    }

    public static string Count(long value) => value.ToString("N0", Invariant);

    public static string Seconds(double seconds) => string.Create(Invariant, $"{seconds:0.##} s");

    /// <summary>How far behind the incremental comparison is, in words.</summary>
    public static string DelayPhrase(double seconds) => seconds switch
    {
        <= 0 => "caught up",
        < 1 => "under a second behind",
        < 90 => Plural(Math.Round(seconds), "second") + " behind",
        < 90 * 60 => "about " + Plural(Math.Round(seconds / 60), "minute") + " behind",
        < 36 * 3600 => "about " + Plural(Math.Round(seconds / 3600), "hour") + " behind",
        _ => "about " + Plural(Math.Round(seconds / 86400), "day") + " behind",
    };

    public static string Plural(double count, string unit, string? plural = null) =>
        string.Create(Invariant, $"{count:0} {(count == 1 ? unit : plural ?? unit + "s")}");

    public static string Rows(long count) => $"{Count(count)} row{(count == 1 ? "" : "s")}";
}
