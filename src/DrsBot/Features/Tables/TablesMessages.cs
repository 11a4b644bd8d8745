using DrsBot.Features.Progress;
using DrsBot.Slack;
using DrsBot.Watching;
using static DrsBot.Slack.Mrkdwn;

namespace DrsBot.Features.Tables;

/// <summary>
/// Which tables differ, as a person reads it on a phone: the largest difference first, one short paragraph per
/// table, at most <see cref="MaxShown"/> (and how many more), tables DRS could not compare listed apart. Every name and
/// message from DRS is escaped.
/// </summary>
public static class TablesMessages
{
    public const int MaxShown = 10;

    /// <summary>The top tables a recheck alert's thread reply shows.</summary>
    public const int InThread = 5;

    public const string NothingYet = "The comparison has not produced table results yet.";

    public static SlackMessage Render(ComparisonRef c, TablesResult result, DateTimeOffset at, int shown = MaxShown, Uri? console = null, string? profile = null)
    {
        if (result.Tables is not { } tables)
        {
            var failure = FailureMessages.Render(c, result.Failure!, at);
            return failure with { Text = "Could not read the differing tables. " + failure.Text };
        }

        var blocks = new List<Block> { Blocks.Header($"Tables of comparison {c.CompareJobId}") };
        string text;
        if (tables.IsEmpty)
        {
            text = $"{NothingYet} (comparison {c.CompareJobId})";
            blocks.Add(Blocks.Section($":hourglass: {NothingYet} DRS lists each table once it has compared it."));
        }
        else if (tables.Differing == 0)
        {
            text = $"No table differs in comparison {c.CompareJobId}";
            blocks.Add(Blocks.Section($":white_check_mark: *No table differs* in the {Format.Plural(tables.Checked, "table")} DRS has {Kind(tables)}."));
        }
        else
        {
            var count = tables.Differing;
            text = $"{Format.Plural(count, "table")} {Differ(count)} in comparison {c.CompareJobId}: " +
                   string.Join(", ", tables.Inconsistent.Take(3).Select(t => Escape(t.SourceTable)));
            blocks.Add(Blocks.Section($":rotating_light: *{Format.Plural(count, "table")} {Differ(count)}* ({Kind(tables)}), largest difference first:"));
            blocks.AddRange(tables.Inconsistent.Take(shown).Select(t => Blocks.Section(Line(t))));
            if (count > shown)
            {
                blocks.Add(Blocks.Context($"…and {Format.Plural(count - shown, "more table")} ({Format.Plural(count, "table")} in all)." +
                    (shown < MaxShown ? $" `/drs-progress tables {Escape(c.JobId)} {Escape(c.CompareJobId)}` lists {MaxShown}." : "")));
            }
        }

        if (tables.Uncompared > 0)
        {
            var listed = tables.NotCompared.Take(shown).Select(t => $"• {Code(t.SourceTable)}{(t.Message is { } m ? ": " + Escape(m) : "")}");
            var more = tables.Uncompared > shown ? $"\n…and {tables.Uncompared - Math.Min(shown, tables.NotCompared.Length)} more." : "";
            blocks.Add(Blocks.Section($":grey_question: *Could not be compared ({tables.Uncompared})*\n{string.Join("\n", listed)}{more}"));
        }

        var partial = tables.Checked < tables.Total ? $" · the first {tables.Checked} of {tables.Total} tables" : "";
        blocks.Add(Blocks.Context(ProgressMessages.ContextLine(c, at, profile) + partial));
        if (console is not null)
        {
            blocks.Add(Blocks.Actions(Blocks.LinkButton("Open in DRS console", Interaction.OpenConsole, console)));
        }

        return new SlackMessage(text, blocks);
    }

    /// <summary>"`db.orders` → `db.orders`  source 1,000 · target 990 · *10 rows apart* · DRS's message".</summary>
    private static string Line(TableDifference t)
    {
        var names = t.SourceTable == t.TargetTable ? Code(t.SourceTable) : $"{Code(t.SourceTable)} → {Code(t.TargetTable)}";
        var counts = new List<string>(4);
        if (t.SourceRows is { } s)
        {
            counts.Add($"source {Format.Count(s)}");
        }

        if (t.TargetRows is { } r)
        {
            counts.Add($"target {Format.Count(r)}");
        }

        if (t.Size > 0)
        {
            counts.Add($"*{Format.Rows(t.Size)} apart*");
        }

        if (t.Message is { Length: > 0 } message)
        {
            counts.Add(Escape(message));
        }

        return counts.Count == 0 ? names : $"{names}\n{string.Join(" · ", counts)}";
    }

    private static string Differ(int count) => count == 1 ? "differs" : "differ";

    private static string Kind(TableDifferences tables) =>
        tables.Kind == TableDifferences.Values ? "compared by value" : "compared by row count";
}
