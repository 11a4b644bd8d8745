using System.Buffers;
using System.Text.Json.Serialization;

namespace DrsBot.Watching;

/// <summary>
/// A DRS job id and one of its comparison task ids, in one DRS profile (a project of a region). Only letters, digits,
/// '-' and '_' (1–64 characters) are accepted: DRS's own example ids are not hex UUIDs, so no UUID syntax is required,
/// but nothing that could change the request path ('/', '..', '?', '#', '%', spaces, control characters) ever reaches
/// DRS. The same ids in two profiles are two comparisons.
/// </summary>
public sealed record ComparisonRef(
    [property: JsonPropertyName("jobId")] string JobId,
    [property: JsonPropertyName("compareJobId")] string CompareJobId)
{
    public const int MaxIdLength = 64;
    public const int MaxProfileLength = 32;

    /// <summary>The profile of the top-level <c>Drs</c> section, which every watch stored before profiles belongs to.</summary>
    public const string DefaultProfile = "default";

    private static readonly SearchValues<char> IdChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");

    private static readonly SearchValues<char> ProfileChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    [JsonConstructor]
    public ComparisonRef(string jobId, string compareJobId, string? profile) : this(jobId, compareJobId) => Profile = profile;

    /// <summary>
    /// The DRS profile, null for <see cref="DefaultProfile"/>: a record stored before profiles existed reads as the
    /// default one, and the default one is written as before (no "profile" property, the same key).
    /// </summary>
    [JsonPropertyName("profile")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Profile
    {
        get;
        init => field = value is null or DefaultProfile ? null : value;
    }

    /// <summary>The profile's name, <see cref="DefaultProfile"/> included.</summary>
    [JsonIgnore]
    public string ProfileName => Profile ?? DefaultProfile;

    /// <summary>The job id as a person types it: <c>profile:job_id</c>, or the id alone in the default profile.</summary>
    [JsonIgnore]
    public string TypedJobId => Typed(JobId, Profile);

    /// <inheritdoc cref="TypedJobId"/>
    public static string Typed(string jobId, string? profile) => profile is null or DefaultProfile ? jobId : $"{profile}:{jobId}";

    /// <summary>Where a profile's settings are: <c>Drs</c> for the default one, <c>Drs:Profiles:&lt;name&gt;</c> for another.</summary>
    public static string SettingsSection(string? profile) => profile is null or DefaultProfile ? "Drs" : $"Drs:Profiles:{profile}";

    public static bool IsValidId(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxIdLength && !id.AsSpan().ContainsAnyExcept(IdChars);

    /// <summary>A profile name: 1–32 of a-z, 0-9 and '-'.</summary>
    public static bool IsValidProfile(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxProfileLength && !name.AsSpan().ContainsAnyExcept(ProfileChars);

    /// <summary>
    /// A stable key for storage, schedules and buttons; ':' cannot occur in a valid id or profile. The default
    /// profile's key is the one used before profiles existed (<c>job:compare</c>); another's is <c>profile:job:compare</c>.
    /// </summary>
    [JsonIgnore]
    public string Key => Profile is null ? $"{JobId}:{CompareJobId}" : $"{Profile}:{JobId}:{CompareJobId}";

    public static ComparisonRef? FromKey(string key) => key.Split(':') switch
    {
        [var job, var compare] when IsValidId(job) && IsValidId(compare) => new(job, compare),
        [var profile, var job, var compare] when IsValidProfile(profile) && IsValidId(job) && IsValidId(compare) => new(job, compare, profile),
        _ => null,
    };

    public override string ToString() => Key;
}
