using System.Text.Json.Serialization;
using DrsBot.Watching;

namespace DrsBot.Drs;

// The wire format of GET /v5/{project_id}/jobs/{job_id}?type=… (ShowJobDetail): {"job": {…}}. type=detail fills the
// base information, type=compare&compare_type=data_compare&query_type=list fills compare_result. DRS omits what a
// type does not fill, so everything is optional; enums are kept as strings because DRS adds values over time.

public sealed record JobDetailAnswer([property: JsonPropertyName("job")] JobDetail? Job);

public sealed record JobDetail(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("create_time")] string? CreateTime,
    [property: JsonPropertyName("base_info")] JobBaseInfo? BaseInfo,
    [property: JsonPropertyName("source_endpoint")] IReadOnlyList<JobEndpoint>? SourceEndpoints,
    [property: JsonPropertyName("target_endpoint")] IReadOnlyList<JobEndpoint>? TargetEndpoints,
    [property: JsonPropertyName("compare_result")] CompareResultInfo? CompareResult,
    [property: JsonPropertyName("total_count")] int? TotalCount)
{
    /// <summary>type=progress: replication progress and incremental delay.</summary>
    [JsonPropertyName("progress_info")]
    public JobProgressInfo? ProgressInfo { get; init; }
}

/// <summary>
/// ShowJobDetail type=progress's <c>progress_info</c>. DRS sends the numbers as strings ("3", "" when it has none), so
/// they are kept as text and read with <see cref="DelaySeconds"/>.
/// </summary>
public sealed record JobProgressInfo(
    [property: JsonPropertyName("progress")] string? Progress,
    [property: JsonPropertyName("incr_trans_delay")] string? IncrementalDelay,
    [property: JsonPropertyName("incr_trans_delay_millis")] string? IncrementalDelayMillis,
    [property: JsonPropertyName("task_mode")] string? TaskMode,
    [property: JsonPropertyName("transfer_status")] string? TransferStatus)
{
    /// <summary>The incremental replication delay in seconds, from the milliseconds when given; null when DRS gave none.</summary>
    [JsonIgnore]
    public double? DelaySeconds =>
        double.TryParse(IncrementalDelayMillis, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var ms) && double.IsFinite(ms) && ms >= 0 ? ms / 1000
        : double.TryParse(IncrementalDelay, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s) && double.IsFinite(s) && s >= 0 ? s
        : null;
}

public sealed record JobBaseInfo(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("job_type")] string? JobType,
    [property: JsonPropertyName("engine_type")] string? EngineType,
    [property: JsonPropertyName("task_type")] string? TaskType);

public sealed record JobEndpoint([property: JsonPropertyName("db_type")] string? DbType);

public sealed record CompareResultInfo(
    [property: JsonPropertyName("data_compare_task_list")] IReadOnlyList<CompareTaskInfo>? DataCompareTasks)
{
    /// <summary>compare_type=line_compare&amp;query_type=detail: one entry per table, row counts as strings.</summary>
    [JsonPropertyName("line_compare_detail_infos")]
    public IReadOnlyList<LineCompareDetail>? LineDetails { get; init; }

    /// <summary>compare_type=content_compare&amp;query_type=detail: one entry per table.</summary>
    [JsonPropertyName("content_compare_detail_infos")]
    public IReadOnlyList<ContentCompareDetail>? ContentDetails { get; init; }
}

/// <summary>One comparison task of a job (v5 CompareJobInfo). <see cref="Id"/> is the compare_job_id of compare-progress.</summary>
public sealed record CompareTaskInfo(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("start_time")] string? StartTime,
    [property: JsonPropertyName("end_time")] string? EndTime,
    [property: JsonPropertyName("error_msg")] string? ErrorMessage)
{
    /// <summary>
    /// Still comparing. Older DRS releases wrote enum values as "RUNNING-运行中": the text before '-' is the value.
    /// </summary>
    [JsonIgnore]
    public bool IsRunning => StatusCode is "RUNNING" or "FULL_DOING" or "INCRE_DOING" or "WAITING_FOR_RUNNING";

    [JsonIgnore]
    public string StatusCode => CodeOf(Status);

    /// <summary>A DRS status as its code: upper case, without the "-运行中" some releases append.</summary>
    public static string CodeOf(string? status) => status?.Split('-', 2)[0].Trim().ToUpperInvariant() ?? "";

    /// <summary>compare-progress serves row and content comparisons, not object comparisons.</summary>
    [JsonIgnore]
    public bool HasProgress => !string.Equals(Type, "object", StringComparison.OrdinalIgnoreCase);
}

/// <summary>What DrsBot learned about one job: its details (or why not), and its comparisons (or why not).</summary>
public sealed record JobView(
    string JobId,
    JobDetail? Detail,
    DrsFailure? DetailFailure,
    IReadOnlyList<CompareTaskInfo>? Comparisons,
    int? TotalComparisons,
    DrsFailure? ComparisonsFailure)
{
    /// <summary>The DRS profile the job is in (null: the default one).</summary>
    public string? Profile { get; init; }

    /// <summary>Replication health (type=progress); null when DRS did not give it, which the view leaves out.</summary>
    public JobProgressInfo? Replication { get; init; }

    /// <summary>Neither call told us anything: the reply is the failure alone.</summary>
    public bool NothingKnown => Detail is null && Comparisons is null;
}
