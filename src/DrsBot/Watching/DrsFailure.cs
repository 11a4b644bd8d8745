using System.Text.Json.Serialization;

namespace DrsBot.Watching;

public enum DrsFailureKind
{
    /// <summary>DRS.10000010: the job or comparison does not exist (any more). DRS's word alone, never a bare 404.</summary>
    NotFound,
    /// <summary>401, 403, APIG.0301, DRS.M00101: DrsBot's own credentials (or the IAM user's DRS role) were refused.</summary>
    CredentialsRejected,
    /// <summary>429 or APIG.0308.</summary>
    Throttled,
    /// <summary>5xx from DRS or its gateway.</summary>
    ServiceError,
    /// <summary>No answer in time.</summary>
    Timeout,
    /// <summary>Connection refused, DNS failure, TLS failure, or the circuit breaker is open.</summary>
    Unreachable,
    /// <summary>A 2xx whose body is not the JSON we expect.</summary>
    InvalidResponse,
    /// <summary>Any other 4xx, a 404 without DRS's own code among them: the request was refused as asked.</summary>
    Rejected,
}

/// <summary>Why a DRS call failed, with what support will ask for: the code, the message and X-Request-Id.</summary>
public sealed record DrsFailure(
    [property: JsonPropertyName("kind")] DrsFailureKind Kind,
    [property: JsonPropertyName("statusCode")] int? StatusCode = null,
    [property: JsonPropertyName("code")] string? Code = null,
    [property: JsonPropertyName("message")] string? Message = null,
    [property: JsonPropertyName("requestId")] string? RequestId = null)
{
    public const string TaskNotFoundCode = "DRS.10000010";

    /// <summary>
    /// IAM's failure, signing DrsBot in before the call (Password mode), not DRS's: every comparison of the profile fails
    /// alike, and the person to tell is whoever runs DrsBot. Stored with the last failure; false in older records.
    /// </summary>
    [JsonPropertyName("fromIam")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool FromIam { get; init; }

    public static DrsFailure FromResponse(int status, string? code, string? message, string? requestId)
    {
        var kind = code switch
        {
            TaskNotFoundCode => DrsFailureKind.NotFound,
            "APIG.0301" or "APIGW.0301" => DrsFailureKind.CredentialsRejected,
            "DRS.M00101" or "M00101" => DrsFailureKind.CredentialsRejected, // a 404: the IAM user has no DRS role
            "APIG.0308" or "APIGW.0308" => DrsFailureKind.Throttled,
            _ => status switch
            {
                // No 404 => NotFound: DRS says "no such task" with DRS.10000010 (and a 400). A bare 404 is an address
                // nothing serves (a wrong endpoint, an API not in this region): a setting to fix, never a comparison
                // gone, which would tell every channel so and stop watching.
                401 or 403 => DrsFailureKind.CredentialsRejected,
                429 => DrsFailureKind.Throttled,
                >= 500 => DrsFailureKind.ServiceError,
                >= 200 and < 300 => DrsFailureKind.InvalidResponse,
                _ => DrsFailureKind.Rejected,
            },
        };
        return new DrsFailure(kind, status, code, message, requestId);
    }
}

/// <summary>The outcome of reading a comparison's progress: either the progress or why not.</summary>
public abstract record CompareProgressResult(string? RequestId);

public sealed record ProgressRead(CompareProgress Progress, string? RequestId) : CompareProgressResult(RequestId);

public sealed record ProgressFailed(DrsFailure Failure) : CompareProgressResult(Failure.RequestId);
