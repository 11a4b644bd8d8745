using DrsBot.Drs;
using DrsBot.Slack;
using DrsBot.Watching;
using static DrsBot.Slack.Mrkdwn;

namespace DrsBot.Rendering;

/// <summary>The Block Kit card for one reading of a comparison's progress.</summary>
public static class ProgressMessages
{
    /// <summary>
    /// Refresh; Subscribe or Unsubscribe, whichever applies to the channel the card is shown in; and a link to the job
    /// in the DRS console when there is one (a link: Slack opens it, and its press asks nothing of DrsBot).
    /// </summary>
    public static ActionsBlock Buttons(ComparisonRef comparison, bool subscribed, Uri? console = null)
    {
        var buttons = new List<ButtonElement>
        {
            Blocks.Button("Refresh", Interaction.Refresh, comparison.Key),
            subscribed
                ? Blocks.Button("Unsubscribe", Interaction.Unsubscribe, comparison.Key)
                : Blocks.Button("Subscribe this channel", Interaction.Subscribe, comparison.Key, style: "primary"),
        };
        if (console is not null)
        {
            buttons.Add(Blocks.LinkButton("Open in DRS console", Interaction.OpenConsole, console));
        }

        return Blocks.Actions(buttons);
    }

    public static SlackMessage Render(
        ComparisonRef comparison, CompareProgress progress, DateTimeOffset readAt, ActionsBlock? buttons = null, TimeSpan? eta = null)
    {
        var status = ComparisonStatus.Of(progress);
        var blocks = new List<Block>
        {
            Blocks.Header($"Comparison {comparison.CompareJobId}"),
            Blocks.Section($"{status.Emoji} *{status.Title}*{(status.Detail is null ? "" : " — " + status.Detail)}"),
        };

        if (progress.Full is { } full)
        {
            blocks.Add(Blocks.Divider());
            blocks.Add(Blocks.Fields(
                "*Full comparison*" + (full.Progress is { } p ? $"\n`{Format.ProgressBar(p)}`  *{Format.Percent(p)}*" : "") +
                (eta is { } left && full.Progress is < 100 ? $"\n:stopwatch: {Format.Eta(left)}" : ""),
                Fields(("Speed", full.SourceSpeed is null ? null : Code(full.SourceSpeed)),
                       ("Rows to recheck", RecheckText(full.RecheckEntities)))));
        }

        if (progress.Incremental is { } incre)
        {
            blocks.Add(Blocks.Divider());
            blocks.Add(Blocks.Fields(
                "*Incremental comparison*",
                Fields(("Delay", incre.Delay is { } d ? $"{Format.Seconds(d)} · {Format.DelayPhrase(d)}" : null),
                       ("Rows per second", incre.RowsPerSecond is { } rps ? Format.Count(rps) : null),
                       ("Speed", incre.SourceSpeed is null ? null : Code(incre.SourceSpeed)),
                       ("Rows to recheck", RecheckText(incre.RecheckEntities)),
                       ("Log point", incre.LogPoint is null ? null : Code(incre.LogPoint)))));
        }

        if (progress.Global is { SourceSpeed: { } globalSpeed })
        {
            blocks.Add(Blocks.Divider());
            blocks.Add(Blocks.Fields(null, Fields(("Global speed", Code(globalSpeed)))));
        }

        if (progress is { Full: null, Incremental: null, Global: null })
        {
            blocks.Add(Blocks.Section("DRS reported no progress for this comparison yet. It may still be waiting to run."));
        }

        blocks.Add(Blocks.Context(ContextLine(comparison, readAt)));
        if (buttons is not null)
        {
            blocks.Add(buttons);
        }

        return new SlackMessage(FallbackText(comparison, progress, status), blocks);
    }

    public static string ContextLine(ComparisonRef comparison, DateTimeOffset readAt) =>
        $"Job {Code(comparison.JobId)} · Comparison {Code(comparison.CompareJobId)} · Read {Date(readAt)}";

    /// <summary>" · ≈ 12 min left at the current pace" after a running comparison's progress; empty when there is no honest ETA.</summary>
    public static string EtaSuffix(WatchRecord record) =>
        record.LastProgress?.Full?.Progress is < 100 && record.Pace?.Eta() is { } left ? $" · {Format.Eta(left)}" : "";

    /// <summary>One line for notifications, screen readers and lock screens.</summary>
    public static string Summary(CompareProgress progress)
    {
        var parts = new List<string>();
        if (progress.Full?.Progress is { } p)
        {
            parts.Add($"full {Format.Percent(p)}");
        }

        if (progress.Incremental?.Delay is { } d)
        {
            parts.Add(d <= 0 ? "incremental caught up" : $"incremental {Format.Seconds(d)} behind");
        }

        if (progress.RowsToRecheck is { } rows)
        {
            parts.Add($"{Format.Rows(rows)} to recheck");
        }

        return parts.Count == 0 ? "no progress reported yet" : string.Join(", ", parts);
    }

    private static string FallbackText(ComparisonRef comparison, CompareProgress progress, ComparisonStatus status) =>
        $"{status.Title}: comparison {comparison.CompareJobId}: {Summary(progress)}";

    private static string? RecheckText(long? rows) => rows switch
    {
        null => null,
        0 => "0",
        _ => $":warning: *{Format.Count(rows.Value)}*",
    };

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

        var fullPart = progress.Full?.Progress is { } p ? (fullDone ? "full comparison complete" : $"full comparison at {Format.Percent(p)}") : null;
        var increPart = delay is { } d ? (d <= 0 ? "incremental caught up" : $"incremental {Format.Seconds(d)} behind") : null;
        var detail = string.Join(", ", new[] { fullPart, increPart }.Where(x => x is not null));

        var complete = (progress.Full is null || fullDone) && (delay is null || delay <= 0)
                       && (progress.Full?.Progress is not null || delay is not null);
        return complete
            ? new(":white_check_mark:", "Complete", detail + (progress.RowsToRecheck == 0 ? ", no rows to recheck" : ""))
            : new(":arrows_counterclockwise:", "Running", detail.Length == 0 ? null : detail);
    }
}
