using System.Globalization;
using System.Text;

namespace DrsBot.Benchmarks;

/// <summary>
/// A benchmark's figures as Markdown: the command and machine that produced them, then tables in which every figure
/// held to a limit shows that limit beside it. <see cref="WriteInto"/> replaces the benchmark's section of a document,
/// between <c>&lt;!-- benchmark NAME --&gt;</c> and <c>&lt;!-- end benchmark NAME --&gt;</c>, and nothing else.
/// </summary>
internal sealed class Report(string benchmark, string arguments)
{
    private readonly StringBuilder _markdown = new();

    /// <summary>Where and when: a figure means little without the machine it was measured on.</summary>
    public string Machine { get; } =
        $"{Environment.ProcessorCount} cores ({CpuModel()}), {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):0} GiB, " +
        $".NET {Environment.Version}, {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC";

    public static string Start(string benchmark) => $"<!-- benchmark {benchmark} -->";

    public static string End(string benchmark) => $"<!-- end benchmark {benchmark} -->";

    /// <summary>A table: its first row is the header. Cells are written as given, so format numbers before.</summary>
    public void Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        _markdown.AppendLine(Row(header)).AppendLine(Row(header.Select(_ => "---").ToList()));
        foreach (var row in rows)
        {
            _markdown.AppendLine(Row(row));
        }

        _markdown.AppendLine();
    }

    /// <summary>A sentence under the tables: what a figure is, where the reader would otherwise have to guess.</summary>
    public void Note(string text) => _markdown.AppendLine(text).AppendLine();

    public string ToMarkdown() =>
        $"Written by `dotnet run -c Release --project tests/DrsBot.Benchmarks -- {arguments}` on {Machine}.\n\n{_markdown.ToString().TrimEnd()}\n";

    public void WriteInto(string path)
    {
        var text = File.ReadAllText(path);
        var (start, end) = (text.IndexOf(Start(benchmark), StringComparison.Ordinal), text.IndexOf(End(benchmark), StringComparison.Ordinal));
        if (start < 0 || end < start)
        {
            throw new InvalidOperationException($"{path} has no section for {benchmark}: put {Start(benchmark)} and {End(benchmark)} where its figures go.");
        }

        var from = start + Start(benchmark).Length;
        File.WriteAllText(path, text[..from] + "\n" + ToMarkdown() + text[end..]);
    }

    /// <summary>A number as the tables write it: invariant, with thousands separated.</summary>
    public static string N(double value, string format = "N0") => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Row(IReadOnlyList<string> cells) => "| " + string.Join(" | ", cells.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |";

    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
}
