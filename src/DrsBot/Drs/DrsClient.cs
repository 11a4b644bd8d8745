using System.Diagnostics;
using System.Net;
using DrsBot.Infrastructure;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace DrsBot.Drs;

/// <summary>Whether a DRS call answers a person waiting in Slack or a background poll; picks the time budget.</summary>
public enum DrsCallKind
{
    Interactive,
    Background,
}

public interface IDrsClient
{
    Task<CompareProgressResult> GetCompareProgressAsync(ComparisonRef comparison, DrsCallKind kind, CancellationToken ct);
}

/// <summary>Typed client for DRS's compare-progress API. Every failure comes back as a <see cref="ProgressFailed"/>.</summary>
internal sealed partial class DrsClient(HttpClient http, IOptions<DrsOptions> options, DrsBotMetrics metrics, ILogger<DrsClient> logger) : IDrsClient
{
    public static readonly HttpRequestOptionsKey<DrsCallKind> CallKindOption = new("DrsBot.CallKind");
    private const int MaxMessageLength = 500;

    /// <summary>
    /// The most of any DRS or IAM answer DrsBot reads: a compare-progress answer is well under 2 KiB, so a larger or
    /// endless body is an unreadable answer, never a reason to fill memory.
    /// </summary>
    public const int MaxBodyBytes = 64 * 1024;

    public async Task<CompareProgressResult> GetCompareProgressAsync(
        ComparisonRef comparison, DrsCallKind kind, CancellationToken ct)
    {
        var drs = options.Value;
        var path = $"v5/{Uri.EscapeDataString(drs.ProjectId)}/jobs/{Uri.EscapeDataString(comparison.JobId)}" +
                   $"/compare-progress/{Uri.EscapeDataString(comparison.CompareJobId)}";

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Options.Set(CallKindOption, kind);
        request.Headers.TryAddWithoutValidation("X-Language", drs.Language);
        // The API page lists Content-Type as mandatory even on GET, and AK/SK signing covers it.
        request.Content = new ByteArrayContent([]);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var started = Stopwatch.GetTimestamp();
        var result = await SendAsync(request, ct);
        var callKind = kind == DrsCallKind.Interactive ? "interactive" : "background";
        switch (result)
        {
            case ProgressRead read:
                metrics.DrsCall(callKind, Stopwatch.GetElapsedTime(started), "ok", null);
                using (logger.BeginScope(LogScopes.DrsRequest(read.RequestId)))
                {
                    LogRead(logger, comparison.Key, read.RequestId);
                }

                break;
            case ProgressFailed { Failure: var f }:
                metrics.DrsCall(callKind, Stopwatch.GetElapsedTime(started), DrsBotMetrics.Tag(f.Kind), f.Code);
                using (logger.BeginScope(LogScopes.DrsRequest(f.RequestId)))
                {
                    LogFailure(logger, comparison.Key, f.Kind, f.StatusCode, f.Code, f.RequestId, f.Message);
                }

                break;
        }

        return result;
    }

    private async Task<CompareProgressResult> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (IsTimeout(e))
        {
            return Failed(new DrsFailure(DrsFailureKind.Timeout));
        }
        catch (Auth.IamTokenException e)
        {
            return Failed(e.Failure);
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
        {
            return Failed(new DrsFailure(DrsFailureKind.InvalidResponse,
                Message: $"DRS's answer was larger than {MaxBodyBytes / 1024} KiB, far more than any compare-progress answer."));
        }
        catch (Exception e) when (e is HttpRequestException or Polly.CircuitBreaker.BrokenCircuitException)
        {
            return Failed(new DrsFailure(DrsFailureKind.Unreachable, Message: Describe(e)));
        }

        using (response)
        {
            var requestId = HuaweiApiError.RequestId(response);
            string body;
            try
            {
                body = await response.Content.ReadAsStringAsync(ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && IsTimeout(e))
            {
                return Failed(new DrsFailure(DrsFailureKind.Timeout, (int)response.StatusCode, RequestId: requestId));
            }
            catch (HttpRequestException) when (!ct.IsCancellationRequested)
            {
                // The body broke off, or was larger than any compare-progress answer (MaxBodyBytes).
                return Failed(new DrsFailure(DrsFailureKind.InvalidResponse, (int)response.StatusCode,
                    Message: "DRS's answer could not be read in full.", RequestId: requestId));
            }

            if (response.StatusCode == HttpStatusCode.OK)
            {
                var progress = TryParse<CompareProgress>(body);
                return progress is not null && IsFinite(progress)
                    ? new ProgressRead(progress, requestId)
                    : Failed(new DrsFailure(DrsFailureKind.InvalidResponse, 200, Message: "DRS answered with a body that is not compare-progress JSON.", RequestId: requestId));
            }

            var (code, message) = HuaweiApiError.Parse(body)
                                  ?? (null, string.IsNullOrWhiteSpace(body) ? null : "DRS answered with a body that is not JSON.");

            return Failed(DrsFailure.FromResponse((int)response.StatusCode, Clip(code, 64), Clip(message, MaxMessageLength), requestId));
        }
    }

    private static ProgressFailed Failed(DrsFailure failure) => new(failure);

    // 1e400 parses as infinity; a progress of infinity must not read as "complete".
    private static bool IsFinite(CompareProgress p) =>
        double.IsFinite(p.Full?.Progress ?? 0) && double.IsFinite(p.Incremental?.Delay ?? 0);

    private static T? TryParse<T>(string body) where T : class
    {
        try
        {
            return body.TrimStart().StartsWith('{') ? JsonSerializer.Deserialize<T>(body, DrsJson.Options) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsTimeout(Exception e) =>
        e is TaskCanceledException or TimeoutException or Polly.Timeout.TimeoutRejectedException;

    // Exception messages from the socket layer name only host and port, never credentials.
    private static string Describe(Exception e) => e switch
    {
        Polly.CircuitBreaker.BrokenCircuitException => "DrsBot has paused calls to DRS after repeated failures.",
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => "The DRS host name could not be resolved.",
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => "The connection to DRS was refused or dropped.",
        HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => "The TLS handshake with DRS failed.",
        _ => "DRS could not be reached.",
    };

    private static string? Clip(string? text, int max) =>
        text is null || text.Length <= max ? text : text[..max];

    [LoggerMessage(Level = LogLevel.Debug, Message = "Read compare progress of {Comparison} (request {RequestId})")]
    private static partial void LogRead(ILogger logger, string comparison, string? requestId);

    // Polly's own per-attempt logs are off (appsettings): this one line per failed call says what happened.
    [LoggerMessage(Level = LogLevel.Warning, Message = "DRS call for {Comparison} failed: {Kind} (HTTP {Status}, code {Code}, request {RequestId}): {DrsMessage}")]
    private static partial void LogFailure(ILogger logger, string comparison, DrsFailureKind kind, int? status, string? code, string? requestId, string? drsMessage);
}

internal static class DrsJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString,
    };
}
