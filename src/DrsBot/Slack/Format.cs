using System.Globalization;

namespace DrsBot.Slack;

/// <summary>Numbers and durations the way an engineer reads them on a phone.</summary>
public static class Format
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Percent(double progress) => new PercentText(progress).ToString();

    /// <summary>A ten-cell bar: monospace in Slack when wrapped in backticks.</summary>
    public static string ProgressBar(double progress) => Bars[(int)Math.Floor(Math.Clamp(progress, 0, 100) / 10)];

    // There are eleven bars; every card shows one.
    private static readonly string[] Bars = [.. Enumerable.Range(0, 11).Select(filled => new string('█', filled) + new string('░', 10 - filled))];

    public static string Count(long value) => value.ToString("N0", Invariant);

    public static string Seconds(double seconds) => new SecondsText(seconds).ToString();

    /// <summary>How far behind the incremental comparison is, in words.</summary>
    public static string DelayPhrase(double seconds) => seconds switch
    {
        <= 0 => "caught up",
        < 1 => "under a second behind",
        < 90 => Behind("", Math.Round(seconds), "second"),
        < 90 * 60 => Behind("about ", Math.Round(seconds / 60), "minute"),
        < 36 * 3600 => Behind("about ", Math.Round(seconds / 3600), "hour"),
        _ => Behind("about ", Math.Round(seconds / 86400), "day"),
    };

    // One string, not a plural and a concatenation: every dynamic comparison's card shows its delay.
    private static string Behind(string about, double count, string unit) =>
        string.Create(Invariant, $"{about}{count:0} {unit}{(count == 1 ? "" : "s")} behind");

    public static string Plural(double count, string unit, string? plural = null) =>
        string.Create(Invariant, $"{count:0} {(count == 1 ? unit : plural ?? unit + "s")}");

    /// <summary>"45 s", "30 min", "2 h 5 min", "3 days": how long something has lasted, to the unit that matters.</summary>
    public static string Duration(TimeSpan t) => t.TotalSeconds switch
    {
        < 90 => string.Create(Invariant, $"{Math.Max(0, Math.Round(t.TotalSeconds)):0} s"),
        < 90 * 60 => string.Create(Invariant, $"{Math.Round(t.TotalMinutes):0} min"),
        < 48 * 3600 => t.Minutes == 0
            ? string.Create(Invariant, $"{Math.Floor(t.TotalHours):0} h")
            : string.Create(Invariant, $"{Math.Floor(t.TotalHours):0} h {t.Minutes} min"),
        _ => Plural(Math.Floor(t.TotalDays), "day"),
    };

    /// <summary>"≈ 12 min left at the current pace"; rounded up, since a finish that comes early surprises nobody.</summary>
    public static string Eta(TimeSpan left) => left < TimeSpan.FromMinutes(1)
        ? "under a minute left at the current pace"
        : $"≈ {Duration(TimeSpan.FromMinutes(Math.Ceiling(left.TotalMinutes)))} left at the current pace";

    public static string Rows(long count) => $"{Count(count)} row{(count == 1 ? "" : "s")}";
}

// Percent and Seconds as values an interpolated string writes straight into its buffer, for the text built on every
// command: "full comparison at {new PercentText(p)}" allocates the sentence, not the sentence and the number.

/// <summary><see cref="Format.Percent"/>'s text: "42.5 %", clamped to 0–100.</summary>
public readonly struct PercentText(double progress) : ISpanFormattable
{
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        destination.TryWrite(CultureInfo.InvariantCulture, $"{Math.Clamp(progress, 0, 100):0.##} %", out charsWritten);

    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    public override string ToString() => string.Create(null, stackalloc char[32], $"{this}");
}

/// <summary><see cref="Format.Seconds"/>'s text: "9.58 s".</summary>
public readonly struct SecondsText(double seconds) : ISpanFormattable
{
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        destination.TryWrite(CultureInfo.InvariantCulture, $"{seconds:0.##} s", out charsWritten);

    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    public override string ToString() => string.Create(null, stackalloc char[48], $"{this}");
}
