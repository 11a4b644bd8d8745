using System.Text.Json.Serialization;

namespace DrsBot.Watching;

// The wire format of GET /v5/{project_id}/jobs/{job_id}/compare-progress/{compare_job_id}.
// DRS omits whatever does not apply (full_info only for row/value comparison, incre_info only for dynamic
// comparison), so every object and every field is optional.

public sealed record CompareProgress(
    [property: JsonPropertyName("full_info")] FullCompareInfo? Full,
    [property: JsonPropertyName("incre_info")] IncrementalCompareInfo? Incremental,
    [property: JsonPropertyName("global_info")] GlobalCompareInfo? Global)
{
    /// <summary>Rows awaiting recheck across full and incremental comparison, or null when DRS reported neither.</summary>
    [JsonIgnore]
    public long? RowsToRecheck => Full?.RecheckEntities is null && Incremental?.RecheckEntities is null
        ? null
        : (Full?.RecheckEntities ?? 0) + (Incremental?.RecheckEntities ?? 0);
}

public sealed record FullCompareInfo(
    [property: JsonPropertyName("progress")] double? Progress,
    [property: JsonPropertyName("src_speed")] string? SourceSpeed,
    [property: JsonPropertyName("recheck_entities")] long? RecheckEntities);

public sealed record IncrementalCompareInfo(
    [property: JsonPropertyName("delay")] double? Delay,
    [property: JsonPropertyName("src_speed")] string? SourceSpeed,
    [property: JsonPropertyName("rps")] long? RowsPerSecond,
    [property: JsonPropertyName("log_point")] string? LogPoint,
    [property: JsonPropertyName("recheck_entities")] long? RecheckEntities);

public sealed record GlobalCompareInfo(
    [property: JsonPropertyName("src_speed")] string? SourceSpeed);
