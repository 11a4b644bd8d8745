using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace DrsBot.Tests.Fakes;

/// <summary>
/// One table of a comparison's per-table detail, as the fake DRS holds it. <see cref="Status"/> is v5's enum
/// (CONSISTENT, INCONSISTENT, CAN_NOT_COMPARE…); the v3 answers translate it to v3's int codes.
/// </summary>
public sealed record FakeTable(string Source, long SourceRows, long TargetRows, string Status = "INCONSISTENT", string? Target = null, string? Message = null)
{
    public string TargetName => Target ?? Source;
}

/// <summary>
/// How the fake DRS serves per-table detail: v5 ShowJobDetail (type=compare, query_type=detail) and v3 line-detail /
/// content-detail, honouring offset and limit. With <c>V5</c> false, v5 answers as a gateway that does not know the API.
/// </summary>
public sealed record FakeTables(string Kind, IReadOnlyList<FakeTable> Tables, bool V5 = true)
{
    public const string Line = "line";
    public const string Content = "content";

    public static async Task AnswerV5Async(HttpContext http, FakeTables? tables, string jobId)
    {
        if (tables is { V5: false })
        {
            http.Response.StatusCode = 404;
            await http.Response.WriteAsJsonAsync(new { error_code = "APIG.0101", error_msg = "The API does not exist or has not been published in the environment." });
            return;
        }

        var page = Page(http, tables);
        object detail = tables?.Kind == Content
            ? new { content_compare_detail_infos = page.Select(t => Content5(t)) }
            : new { line_compare_detail_infos = page.Select(t => new
            {
                source_table_name = t.Source, target_table_name = t.TargetName, status = t.Status, message = t.Message,
                // v5 sends a row-count comparison's numbers as strings.
                source_row_num = t.SourceRows.ToString(), target_row_num = t.TargetRows.ToString(), difference_row_num = Math.Abs(t.SourceRows - t.TargetRows).ToString(),
            }) };
        await http.Response.WriteAsJsonAsync(new { job = new { id = jobId, compare_result = detail, total_count = tables?.Tables.Count ?? 0 } });
    }

    public static async Task AnswerV3Async(HttpContext http, FakeTables? tables, string kind)
    {
        var page = tables?.Kind == kind ? Page(http, tables) : [];
        var total = tables?.Kind == kind ? tables.Tables.Count : 0;
        if (kind == Line)
        {
            await http.Response.WriteAsJsonAsync(new
            {
                total_count = total,
                table_line_compare_result_infos = page.Select(t => new
                {
                    source_table_name = t.Source, target_table_name = t.TargetName, source_row_num = t.SourceRows, target_row_num = t.TargetRows,
                    difference_row_num = Math.Abs(t.SourceRows - t.TargetRows), status = V3Status(t.Status),
                }),
            });
        }
        else
        {
            await http.Response.WriteAsJsonAsync(new { total_count = total, content_compare_result_infos = page.Select(t => Content5(t) with { status = 2 }) });
        }
    }

    private static IReadOnlyList<FakeTable> Page(HttpContext http, FakeTables? tables)
    {
        var offset = int.TryParse(http.Request.Query["offset"], out var o) ? o : 0;
        var limit = int.TryParse(http.Request.Query["limit"], out var l) ? l : 10;
        return [.. (tables?.Tables ?? []).Skip(offset).Take(limit)];
    }

    private static ContentEntry Content5(FakeTable t) => new(
        "db", "db", t.Source, t.TargetName, t.SourceRows, t.TargetRows, Math.Abs(t.SourceRows - t.TargetRows),
        t.Status != "INCONSISTENT" || t.SourceRows == t.TargetRows, t.Status != "INCONSISTENT", t.Message, null);

    private sealed record ContentEntry(
        string source_db, string target_db, string source_table_name, string target_table_name, long source_row_num, long target_row_num,
        long difference_row_num, bool line_compare_result, bool content_compare_result, string? message, int? status);

    private static int V3Status(string status) => status switch
    {
        "INCONSISTENT" => 0,
        "CONSISTENT" => 2,
        "CAN_NOT_COMPARE" or "TARGET_DB_NOT_EXIST" => 3,
        "FAILED_TO_COMPARE" => 4,
        "COMPARING" => 5,
        _ => 6,
    };

    public static string Key(string jobId, string compareId, string kind) => $"{jobId}/{compareId}?{kind}";

    public static string Json(object value) => JsonSerializer.Serialize(value);
}
