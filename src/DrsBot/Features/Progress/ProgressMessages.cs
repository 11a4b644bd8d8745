using System.Globalization;
using System.Runtime.CompilerServices;
using DrsBot.Slack;
using DrsBot.Watching;
using static DrsBot.Slack.Mrkdwn;

namespace DrsBot.Features.Progress;

/// <summary>The Block Kit card for one reading of a comparison's progress.</summary>
public static class ProgressMessages
{
    /// <summary>
    /// Refresh; Subscribe or Unsubscribe, whichever applies to the channel the card is shown in; and a link to the job
    /// in the DRS console when there is one (a link: Slack opens it, and its press asks nothing of DrsBot).
    /// </summary>
    public static ActionsBlock Buttons(ComparisonRef comparison, bool subscribed, Uri? console = null, bool rowsToRecheck = false)
    {
        var key = comparison.Key;
        var buttons = new List<ButtonElement>(4)
        {
            Blocks.Button("Refresh", Interaction.Refresh, key),
            subscribed
                ? Blocks.Button("Unsubscribe", Interaction.Unsubscribe, key)
                : Blocks.Button("Subscribe this channel", Interaction.Subscribe, key, style: "primary"),
        };
        if (rowsToRecheck)
        {
            buttons.Add(TablesButton(comparison));
        }

        if (console is not null)
        {
            buttons.Add(Blocks.LinkButton("Open in DRS console", Interaction.OpenConsole, console));
        }

        return Blocks.Actions(buttons);
    }

    /// <summary>Show differing tables: on cards and alerts of a comparison with rows to recheck.</summary>
    public static ButtonElement TablesButton(ComparisonRef comparison) =>
        Blocks.Button("Show differing tables", Interaction.ShowTables, comparison.Key);

    // Every /drs-progress answer runs this, so each text below is built in one interpolation, straight into its
    // buffer, with the numbers and code spans as values (PercentText, CodeText…) rather than strings of their own.
    public static SlackMessage Render(
        ComparisonRef comparison, CompareProgress progress, DateTimeOffset readAt, ActionsBlock? buttons = null, TimeSpan? eta = null,
        string? profile = null)
    {
        var status = ComparisonStatus.Of(progress);
        var blocks = new List<Block>(10)
        {
            Blocks.Header($"Comparison {comparison.CompareJobId}"),
            Blocks.Section(status.Detail is null ? $"{status.Emoji} *{status.Title}*" : $"{status.Emoji} *{status.Title}* — {status.Detail}"),
        };

        if (progress.Full is { } full)
        {
            blocks.Add(Blocks.Divider());
            var fields = new List<string>(2);
            AddCode(fields, "Speed", full.SourceSpeed);
            AddRecheck(fields, full.RecheckEntities);
            blocks.Add(Blocks.Fields(FullHeading(full, eta), fields));
        }

        if (progress.Incremental is { } incre)
        {
            blocks.Add(Blocks.Divider());
            var fields = new List<string>(5);
            if (incre.Delay is { } d)
            {
                fields.Add($"*Delay*\n{new SecondsText(d)} · {Format.DelayPhrase(d)}");
            }

            if (incre.RowsPerSecond is { } rps)
            {
                fields.Add(string.Create(Invariant, $"*Rows per second*\n{rps:N0}"));
            }

            AddCode(fields, "Speed", incre.SourceSpeed);
            AddRecheck(fields, incre.RecheckEntities);
            AddCode(fields, "Log point", incre.LogPoint);
            blocks.Add(Blocks.Fields("*Incremental comparison*", fields));
        }

        if (progress.Global is { SourceSpeed: { } globalSpeed })
        {
            blocks.Add(Blocks.Divider());
            blocks.Add(Blocks.Fields(null, $"*Global speed*\n{new CodeText(globalSpeed)}"));
        }

        if (progress is { Full: null, Incremental: null, Global: null })
        {
            blocks.Add(Blocks.Section("DRS reported no progress for this comparison yet. It may still be waiting to run."));
        }

        blocks.Add(Blocks.Context(ContextLine(comparison, readAt, profile)));
        if (buttons is not null)
        {
            blocks.Add(buttons);
        }

        var fallback = new DefaultInterpolatedStringHandler(0, 0, Invariant, stackalloc char[256]);
        fallback.AppendFormatted(status.Title);
        fallback.AppendLiteral(": comparison ");
        fallback.AppendFormatted(comparison.CompareJobId);
        fallback.AppendLiteral(": ");
        AppendSummary(ref fallback, progress);
        return new SlackMessage(fallback.ToStringAndClear(), blocks);
    }

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static string FullHeading(FullCompareInfo full, TimeSpan? eta) => (full.Progress, eta) switch
    {
        ({ } p, { } left) when p < 100 =>
            $"*Full comparison*\n`{Format.ProgressBar(p)}`  *{new PercentText(p)}*\n:stopwatch: {Format.Eta(left)}",
        ({ } p, _) => $"*Full comparison*\n`{Format.ProgressBar(p)}`  *{new PercentText(p)}*",
        _ => "*Full comparison*",
    };

    /// <summary>"*Label*\n`value`", unless DRS left the value out.</summary>
    private static void AddCode(List<string> fields, string label, string? code)
    {
        if (code is not null)
        {
            fields.Add($"*{label}*\n{new CodeText(code)}");
        }
    }

    private static void AddRecheck(List<string> fields, long? rows)
    {
        if (rows is { } n)
        {
            fields.Add(n == 0 ? "*Rows to recheck*\n0" : string.Create(Invariant, $"*Rows to recheck*\n:warning: *{n:N0}*"));
        }
    }

    /// <summary>
    /// The profile a message about <paramref name="comparison"/> names: <paramref name="label"/> when given (there are
    /// several), else the comparison's own when it is not the default one; null, none.
    /// </summary>
    public static string? NamedProfile(ComparisonRef comparison, string? label) => label ?? comparison.Profile;

    /// <summary>"Profile `p` · " before a context line; empty for no profile.</summary>
    public static string ProfilePrefix(string? profile) => profile is null ? "" : $"Profile {new CodeText(profile)} · ";

    /// <summary>" (p)" after a notification's plain fallback text; empty for no profile.</summary>
    public static string ProfileSuffix(ComparisonRef comparison, string? label) =>
        NamedProfile(comparison, label) is { } named ? $" ({named})" : "";

    /// <summary>"Job … · Comparison … · Read …", after "Profile …" when the message names one (<see cref="NamedProfile"/>).</summary>
    public static string ContextLine(ComparisonRef comparison, DateTimeOffset readAt, string? profile = null) =>
        $"{ProfilePrefix(NamedProfile(comparison, profile))}Job {new CodeText(comparison.JobId)} · Comparison {new CodeText(comparison.CompareJobId)} · Read {new DateText(readAt)}";

    /// <summary>"job `x`", with " (profile `p`)" when the message names one (<see cref="NamedProfile"/>).</summary>
    public static string InJob(ComparisonRef comparison, string? profile = null) =>
        NamedProfile(comparison, profile) is { } named
            ? $"job {new CodeText(comparison.JobId)} (profile {new CodeText(named)})"
            : $"job {new CodeText(comparison.JobId)}";

    /// <summary>" · ≈ 12 min left at the current pace" after a running comparison's progress; empty when there is no honest ETA.</summary>
    public static string EtaSuffix(WatchRecord record) =>
        record.LastProgress?.Full?.Progress is < 100 && record.Pace?.Eta() is { } left ? $" · {Format.Eta(left)}" : "";

    /// <summary>One line for notifications, screen readers and lock screens.</summary>
    public static string Summary(CompareProgress progress)
    {
        var summary = new DefaultInterpolatedStringHandler(0, 0, Invariant, stackalloc char[128]);
        AppendSummary(ref summary, progress);
        return summary.ToStringAndClear();
    }

    // "full 42 %, incremental 3 s behind, 12 rows to recheck": the parts DRS reported, in that order.
    private static void AppendSummary(ref DefaultInterpolatedStringHandler text, CompareProgress progress)
    {
        var separator = "";
        if (progress.Full?.Progress is { } p)
        {
            text.AppendLiteral("full ");
            text.AppendFormatted(new PercentText(p));
            separator = ", ";
        }

        if (progress.Incremental?.Delay is { } d)
        {
            text.AppendLiteral(separator);
            AppendIncremental(ref text, d);
            separator = ", ";
        }

        if (progress.RowsToRecheck is { } rows)
        {
            text.AppendLiteral(separator);
            text.AppendFormatted(rows, "N0");
            text.AppendLiteral(rows == 1 ? " row to recheck" : " rows to recheck");
            separator = ", ";
        }

        if (separator.Length == 0)
        {
            text.AppendLiteral("no progress reported yet");
        }
    }

    /// <summary>"incremental caught up" or "incremental 3 s behind".</summary>
    internal static void AppendIncremental(ref DefaultInterpolatedStringHandler text, double delay)
    {
        if (delay <= 0)
        {
            text.AppendLiteral("incremental caught up");
            return;
        }

        text.AppendLiteral("incremental ");
        text.AppendFormatted(new SecondsText(delay));
        text.AppendLiteral(" behind");
    }

    /// <summary>"*Label*\nvalue" for each field that has a value.</summary>
    public static IReadOnlyList<string> Fields(params (string Label, string? Value)[] fields)
    {
        var texts = new List<string>(fields.Length);
        foreach (var (label, value) in fields)
        {
            if (value is not null)
            {
                texts.Add($"*{label}*\n{value}");
            }
        }

        return texts;
    }
}

/// <summary>The one-line verdict at the top of a card: needs recheck, complete, or running.</summary>
public sealed record ComparisonStatus(string Emoji, string Title, string? Detail)
{
    public static ComparisonStatus Of(CompareProgress progress)
    {
        var fullDone = progress.Full?.Progress is >= 100;
        var delay = progress.Incremental?.Delay;

        if (progress.RowsToRecheck is > 0 and var rows)
        {
            return new(":warning:", $"{Format.Rows(rows)} need recheck", "source and target differ; review them in the DRS console.");
        }

        if (progress is { Full: null, Incremental: null })
        {
            return new(":hourglass_flowing_sand:", "Waiting", null);
        }

        // "full comparison at 42 %, incremental 3 s behind", built in one buffer: every card starts with it.
        var detail = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[128]);
        var separator = "";
        if (progress.Full?.Progress is { } p)
        {
            if (fullDone)
            {
                detail.AppendLiteral("full comparison complete");
            }
            else
            {
                detail.AppendLiteral("full comparison at ");
                detail.AppendFormatted(new PercentText(p));
            }

            separator = ", ";
        }

        if (delay is { } d)
        {
            detail.AppendLiteral(separator);
            ProgressMessages.AppendIncremental(ref detail, d);
        }

        var complete = (progress.Full is null || fullDone) && (delay is null || delay <= 0)
                       && (progress.Full?.Progress is not null || delay is not null);
        if (complete && progress.RowsToRecheck == 0)
        {
            detail.AppendLiteral(", no rows to recheck");
        }

        var text = detail.ToStringAndClear();
        return complete
            ? new(":white_check_mark:", "Complete", text)
            : new(":arrows_counterclockwise:", "Running", text.Length == 0 ? null : text);
    }
}
