using System.Text.Json.Serialization;

namespace DrsBot.Watching;

public enum DrsFailureKind
{
    /// <summary>DRS.10000010 or 404: the job or comparison does not exist (any more).</summary>
    NotFound,
    /// <summary>401, 403, APIG.0301: DrsBot's own credentials were refused.</summary>
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
    /// <summary>Any other 4xx: DRS understood and refused the request.</summary>
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

    public static DrsFailure FromResponse(int status, string? code, string? message, string? requestId)
    {
        var kind = code switch
        {
            TaskNotFoundCode => DrsFailureKind.NotFound,
            "APIG.0301" or "APIGW.0301" => DrsFailureKind.CredentialsRejected,
            "APIG.0308" or "APIGW.0308" => DrsFailureKind.Throttled,
            _ => status switch
            {
                404 => DrsFailureKind.NotFound,
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
