using System.Text.Json.Serialization;

namespace DrsBot.Drs;

// The wire formats of DRS's per-table comparison detail. v5 (ShowJobDetail, type=compare&query_type=detail) puts the
// entries under job.compare_result and the count in job.total_count, row counts of a row-count comparison as strings
// and status as an enum string; v3 (…/compare/{id}/line-detail and content-detail) has its own lists and int statuses.
// Reading numbers from strings is on for every DRS record (DrsJsonContext), so both shapes read into longs.

/// <summary>v5 line_compare detail entry.</summary>
public sealed record LineCompareDetail(
    [property: JsonPropertyName("source_table_name")] string? SourceTable,
    [property: JsonPropertyName("target_table_name")] string? TargetTable,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("source_row_num")] long? SourceRows,
    [property: JsonPropertyName("target_row_num")] long? TargetRows,
    [property: JsonPropertyName("difference_row_num")] long? Difference);

/// <summary>v5 content_compare detail entry, and v3 content-detail's (which adds an int status).</summary>
public sealed record ContentCompareDetail(
    [property: JsonPropertyName("source_db")] string? SourceDb,
    [property: JsonPropertyName("target_db")] string? TargetDb,
    [property: JsonPropertyName("source_table_name")] string? SourceTable,
    [property: JsonPropertyName("target_table_name")] string? TargetTable,
    [property: JsonPropertyName("source_row_num")] long? SourceRows,
    [property: JsonPropertyName("target_row_num")] long? TargetRows,
    [property: JsonPropertyName("difference_row_num")] long? Difference,
    [property: JsonPropertyName("line_compare_result")] bool? RowsConsistent,
    [property: JsonPropertyName("content_compare_result")] bool? ValuesConsistent,
    [property: JsonPropertyName("message")] string? Message)
{
    /// <summary>v3 only: 1 comparing, 2 done, 3 waiting, 4 cancelled.</summary>
    [JsonPropertyName("status")]
    public int? Status { get; init; }
}

/// <summary>v3 line-detail answer.</summary>
public sealed record LineDetailAnswer(
    [property: JsonPropertyName("total_count")] int? TotalCount,
    [property: JsonPropertyName("table_line_compare_result_infos")] IReadOnlyList<V3LineDetail>? Tables);

/// <summary>v3 line-detail entry: status is an int (0 inconsistent, 2 consistent, the rest below).</summary>
public sealed record V3LineDetail(
    [property: JsonPropertyName("source_table_name")] string? SourceTable,
    [property: JsonPropertyName("target_table_name")] string? TargetTable,
    [property: JsonPropertyName("source_row_num")] long? SourceRows,
    [property: JsonPropertyName("target_row_num")] long? TargetRows,
    [property: JsonPropertyName("difference_row_num")] long? Difference,
    [property: JsonPropertyName("status")] int? Status);

/// <summary>v3 content-detail answer.</summary>
public sealed record ContentDetailAnswer(
    [property: JsonPropertyName("total_count")] int? TotalCount,
    [property: JsonPropertyName("content_compare_result_infos")] IReadOnlyList<ContentCompareDetail>? Tables);

/// <summary>How a table's detail entry counts: differs, could not be compared, or neither.</summary>
internal enum TableVerdict
{
    Other,
    Inconsistent,
    NotCompared,
}

internal static class TableVerdicts
{
    public static TableVerdict OfV5(string? status) => CompareTaskInfo.CodeOf(status) switch
    {
        "INCONSISTENT" => TableVerdict.Inconsistent,
        "FAILED_TO_COMPARE" or "TARGET_DB_NOT_EXIST" or "CAN_NOT_COMPARE" => TableVerdict.NotCompared,
        _ => TableVerdict.Other,
    };

    public static TableVerdict OfV3(int? status) => status switch
    {
        0 => TableVerdict.Inconsistent,
        3 or 4 or (>= 11 and <= 23) or 27 => TableVerdict.NotCompared,
        _ => TableVerdict.Other, // consistent, comparing, waiting, cancelled, empty databases
    };

    public static TableVerdict OfContent(ContentCompareDetail d) =>
        d.Status is 1 or 3 or 4 ? TableVerdict.Other
        : d.RowsConsistent is false || d.ValuesConsistent is false ? TableVerdict.Inconsistent
        : TableVerdict.Other;

    /// <summary>What v3's int status means, for a table that could not be compared (DRS gives no message there).</summary>
    public static string? V3Meaning(int? status) => status switch
    {
        3 or 12 => "target table missing",
        4 => "compare failed",
        11 => "source table missing",
        13 => "both tables missing",
        14 => "could not connect to the source",
        15 => "could not connect to the target",
        16 => "source SQL timed out",
        17 => "target SQL timed out",
        18 => "source SQL error",
        19 => "target SQL error",
        20 => "both databases missing",
        21 => "source database missing",
        22 => "target database missing",
        23 => "100 million rows or more, not compared",
        27 => "timed out",
        _ => null,
    };
}
