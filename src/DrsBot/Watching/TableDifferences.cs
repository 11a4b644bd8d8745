using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace DrsBot.Watching;

/// <summary>One table of a comparison, as DRS's per-table detail reports it.</summary>
public sealed record TableDifference(
    [property: JsonPropertyName("source")] string SourceTable,
    [property: JsonPropertyName("target")] string TargetTable,
    [property: JsonPropertyName("sourceRows")] long? SourceRows,
    [property: JsonPropertyName("targetRows")] long? TargetRows,
    [property: JsonPropertyName("difference")] long? Difference,
    [property: JsonPropertyName("message")] string? Message)
{
    /// <summary>How far apart the two sides are, for ordering: DRS's difference, or the row counts' when it gave none.</summary>
    [JsonIgnore]
    public long Size => Math.Abs(Difference ?? ((SourceRows ?? 0) - (TargetRows ?? 0)));
}

/// <summary>
/// Which tables of one comparison differ (largest difference first) and which could not be compared, as far as DRS's
/// detail was read. <see cref="Checked"/> tables were read of <see cref="Total"/>; when fewer, the lists are partial.
/// </summary>
public sealed record TableDifferences(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("inconsistent")] ImmutableArray<TableDifference> Inconsistent,
    [property: JsonPropertyName("notCompared")] ImmutableArray<TableDifference> NotCompared,
    [property: JsonPropertyName("checked")] int Checked,
    [property: JsonPropertyName("total")] int Total)
{
    /// <summary>Row-count comparison (DRS's <c>line_compare</c>).</summary>
    public const string Rows = "rows";

    /// <summary>Value comparison (DRS's <c>content_compare</c>).</summary>
    public const string Values = "values";

    /// <summary>DRS holds no per-table result for the comparison yet.</summary>
    [JsonIgnore]
    public bool IsEmpty => Checked == 0;

    /// <summary>How many tables differ, also when <see cref="Inconsistent"/> keeps only the top ones (<see cref="Top"/>).</summary>
    [JsonPropertyName("inconsistentCount")]
    public int? InconsistentCount { get; init; }

    [JsonPropertyName("notComparedCount")]
    public int? NotComparedCount { get; init; }

    [JsonIgnore]
    public int Differing => InconsistentCount ?? Inconsistent.Length;

    [JsonIgnore]
    public int Uncompared => NotComparedCount ?? NotCompared.Length;

    /// <summary>The first <paramref name="n"/> of each list, with the counts kept: what a stored thread reply needs.</summary>
    public TableDifferences Top(int n) => this with
    {
        Inconsistent = [.. Inconsistent.Take(n)],
        NotCompared = [.. NotCompared.Take(n)],
        InconsistentCount = Differing,
        NotComparedCount = Uncompared,
    };
}

/// <summary>The outcome of asking DRS which tables differ: the tables, or why not.</summary>
public sealed record TablesResult(
    [property: JsonPropertyName("tables")] TableDifferences? Tables,
    [property: JsonPropertyName("failure")] DrsFailure? Failure);
