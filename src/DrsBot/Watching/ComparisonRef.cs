using System.Buffers;
using System.Text.Json.Serialization;

namespace DrsBot.Watching;

/// <summary>
/// A DRS job id and one of its comparison task ids. Only letters, digits, '-' and '_' (1–64 characters) are
/// accepted: DRS's own example ids are not hex UUIDs, so no UUID syntax is required, but nothing that could change
/// the request path ('/', '..', '?', '#', '%', spaces, control characters) ever reaches DRS.
/// </summary>
public sealed record ComparisonRef(
    [property: JsonPropertyName("jobId")] string JobId,
    [property: JsonPropertyName("compareJobId")] string CompareJobId)
{
    public const int MaxIdLength = 64;
    private static readonly SearchValues<char> IdChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");

    public static bool IsValidId(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxIdLength && !id.AsSpan().ContainsAnyExcept(IdChars);

    /// <summary>A stable key for storage and job ids; ':' cannot occur in a valid id.</summary>
    [JsonIgnore]
    public string Key => $"{JobId}:{CompareJobId}";

    public static ComparisonRef? FromKey(string key)
    {
        var parts = key.Split(':');
        return parts.Length == 2 && IsValidId(parts[0]) && IsValidId(parts[1]) ? new(parts[0], parts[1]) : null;
    }

    public override string ToString() => Key;
}
