using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using DrsBot.Infrastructure;
using DrsBot.Watching;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace DrsBot.Drs;

/// <summary>The DRS edge's typed client: the core's progress reads, and a job's view for the job command.</summary>
public interface IDrsClient : IProgressSource
{
    /// <summary>A job's details and its data comparisons (two ShowJobDetail calls, made together), for a person waiting.</summary>
    Task<JobView> GetJobAsync(string jobId, CancellationToken ct);
}

/// <summary>Typed client for DRS's compare-progress and job-detail APIs. Every failure comes back as a <see cref="DrsFailure"/>.</summary>
internal sealed partial class DrsClient(
    HttpClient http, IOptions<DrsOptions> options, TimeProvider time, DrsBotMetrics metrics, ILogger<DrsClient> logger) : IDrsClient
{
    private const int MaxMessageLength = 500;

    /// <summary>
    /// The most of any DRS or IAM answer DrsBot reads: a compare-progress answer is well under 2 KiB and a page of 50
    /// comparisons about 20 KiB, so a larger or endless body is an unreadable answer, never a reason to fill memory.
    /// </summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>The HttpClientFactory name of DRS's client, for settings added elsewhere (the demo's simulator).</summary>
    public const string HttpClientName = nameof(IDrsClient);

    public async Task<CompareProgressResult> GetCompareProgressAsync(
        ComparisonRef comparison, DrsCallKind kind, CancellationToken ct)
    {
        var path = $"{Base}v5/{Project}/jobs/{Uri.EscapeDataString(comparison.JobId)}" +
                   $"/compare-progress/{Uri.EscapeDataString(comparison.CompareJobId)}";
        var (progress, failure, requestId) = await GetAsync<CompareProgress>(
            path, kind, kind == DrsCallKind.Interactive ? "interactive" : "background", comparison.Key, IsFinite, ct);
        return progress is not null ? new ProgressRead(progress, requestId) : new ProgressFailed(failure!);
    }

    public async Task<JobView> GetJobAsync(string jobId, CancellationToken ct)
    {
        var job = $"{Base}v5/{Project}/jobs/{Uri.EscapeDataString(jobId)}";
        // DRS documents no page-size maximum; 50 is more than a Slack reply shows, stays far below MaxBodyBytes, and
        // total_count says how many there are in all.
        var detailCall = GetAsync<JobDetailAnswer>(job + "?type=detail", DrsCallKind.Interactive, "job_detail", jobId, a => a.Job is not null, ct);
        var listCall = GetAsync<JobDetailAnswer>(job + "?type=compare&compare_type=data_compare&query_type=list&offset=0&limit=50",
            DrsCallKind.Interactive, "job_comparisons", jobId, a => a.Job is not null, ct);
        var (detail, detailFailure, _) = await detailCall;
        var (list, listFailure, _) = await listCall;
        var comparisons = list?.Job?.CompareResult?.DataCompareTasks ?? (list is null ? null : []);
        return new JobView(jobId, detail?.Job, detailFailure, comparisons, list?.Job?.TotalCount, listFailure);
    }

    private string Project => Uri.EscapeDataString(options.Value.ProjectId);

    /// <summary>
    /// The base address each path is written after, so the request's address is one absolute string. A relative one
    /// is combined with BaseAddress by HttpClient on every call (two more strings and a char[]). Empty, so HttpClient
    /// combines after all, for a base with a query or fragment, which combining drops.
    /// </summary>
    private string Base => http.BaseAddress?.AbsoluteUri is { } address && address.EndsWith('/') && address.AsSpan().IndexOfAny('?', '#') < 0
        ? address
        : "";

    /// <summary>One GET with the headers DRS wants, timed, logged once and counted; the answer or why not.</summary>
    private async Task<(T? Value, DrsFailure? Failure, string? RequestId)> GetAsync<T>(
        string path, DrsCallKind kind, string call, string subject, Func<T, bool> isComplete, CancellationToken ct) where T : class
    {
        using var request = new DrsRequest(path, kind, subject, time.GetTimestamp());
        request.Headers.TryAddWithoutValidation("X-Language", options.Value.Language);
        // The API page lists Content-Type as mandatory even on GET, and AK/SK signing covers it.
        request.Content = new ByteArrayContent([]);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var started = Stopwatch.GetTimestamp();
        var (value, failure, requestId) = await SendAsync(request, isComplete, ct);
        metrics.DrsCall(call, Stopwatch.GetElapsedTime(started), failure is null ? "ok" : DrsBotMetrics.Tag(failure.Kind), failure?.Code);
        // The scope only when a line is written: a scope costs its values and an async-local change on every call.
        if (failure is not null || logger.IsEnabled(LogLevel.Debug))
        {
            using (logger.BeginScope(LogScopes.DrsRequest(requestId)))
            {
                if (failure is null)
                {
                    LogRead(logger, call, subject, requestId);
                }
                else
                {
                    LogFailure(logger, call, subject, failure.Kind, failure.StatusCode, failure.Code, requestId, failure.Message);
                }
            }
        }

        return (value, failure, requestId);
    }

    private async Task<(T? Value, DrsFailure? Failure, string? RequestId)> SendAsync<T>(
        HttpRequestMessage request, Func<T, bool> isComplete, CancellationToken ct) where T : class
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
                Message: $"DRS's answer was larger than {MaxBodyBytes / 1024} KiB, far more than any answer DrsBot asks for."));
        }
        catch (Exception e) when (e is HttpRequestException or BrokenCircuitException)
        {
            return Failed(new DrsFailure(DrsFailureKind.Unreachable, Message: Describe(e)));
        }

        using (response)
        {
            var requestId = HuaweiApiError.RequestId(response);
            // JSON is read from its bytes, lent by the pool: neither a string nor an array of the whole answer.
            byte[] body;
            int length;
            try
            {
                (body, length) = await ReadBodyAsync(response.Content, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && IsTimeout(e))
            {
                return Failed(new DrsFailure(DrsFailureKind.Timeout, (int)response.StatusCode, RequestId: requestId));
            }
            catch (HttpRequestException) when (!ct.IsCancellationRequested)
            {
                // The body broke off, or was larger than any answer DrsBot asks for (MaxBodyBytes).
                return Failed(new DrsFailure(DrsFailureKind.InvalidResponse, (int)response.StatusCode,
                    Message: "DRS's answer could not be read in full.", RequestId: requestId));
            }

            try
            {
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var value = TryParse<T>(body.AsSpan(0, length));
                    return value is not null && isComplete(value)
                        ? (value, null, requestId)
                        : Failed(new DrsFailure(DrsFailureKind.InvalidResponse, 200, Message: "DRS answered with a body that is not the JSON DrsBot asked for.", RequestId: requestId));
                }

                if ((int)response.StatusCode is >= 300 and < 400)
                {
                    return Failed(new DrsFailure(DrsFailureKind.Rejected, (int)response.StatusCode,
                        Message: $"DRS answered with a redirect (HTTP {(int)response.StatusCode}), which DrsBot does not follow: check Drs:Endpoint (or Drs:Region).",
                        RequestId: requestId));
                }

                var text = System.Text.Encoding.UTF8.GetString(body, 0, length);
                var (code, message) = HuaweiApiError.Parse(text)
                                      ?? (null, string.IsNullOrWhiteSpace(text) ? null : "DRS answered with a body that is not JSON.");

                return Failed(DrsFailure.FromResponse((int)response.StatusCode, Clip(code, 64), Clip(message, MaxMessageLength), requestId));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(body);
            }
        }

        static (T?, DrsFailure?, string?) Failed(DrsFailure failure) => (null, failure, failure.RequestId);
    }

    /// <summary>
    /// The body into a pooled array. DrsAnswerBuffer has buffered it already (within MaxBodyBytes), so this
    /// copies memory; ReadAsByteArrayAsync would copy it into a new array on every call.
    /// </summary>
    private static async Task<(byte[] Body, int Length)> ReadBodyAsync(HttpContent content, CancellationToken ct)
    {
        await content.LoadIntoBufferAsync(MaxBodyBytes, ct);
        var stream = content.ReadAsStream(ct); // buffered: a view of the buffer, not a read
        var length = (int)stream.Length;
        var body = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            stream.ReadExactly(body, 0, length);
            return (body, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(body);
            throw;
        }
    }

    // 1e400 parses as infinity; a progress of infinity must not read as "complete".
    private static bool IsFinite(CompareProgress p) =>
        double.IsFinite(p.Full?.Progress ?? 0) && double.IsFinite(p.Incremental?.Delay ?? 0);

    private static T? TryParse<T>(ReadOnlySpan<byte> body) where T : class
    {
        try
        {
            var json = body.StartsWith("\uFEFF"u8) ? body[3..] : body; // a byte-order mark, as ReadAsString would drop
            json = json.TrimStart(" \t\r\n"u8);
            return !json.StartsWith("{"u8) ? null : (T?)JsonSerializer.Deserialize(json, DrsJson.Options.GetTypeInfo(typeof(T)));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsTimeout(Exception e) =>
        e is TaskCanceledException or TimeoutException or TimeoutRejectedException;

    // Exception messages from the socket layer name only host and port, never credentials.
    private static string Describe(Exception e) => e switch
    {
        BrokenCircuitException => "DrsBot has paused calls to DRS after repeated failures.",
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => "The DRS host name could not be resolved.",
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => "The connection to DRS was refused or dropped.",
        HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => "The TLS handshake with DRS failed.",
        _ => "DRS could not be reached.",
    };

    private static string? Clip(string? text, int max) =>
        text is null || text.Length <= max ? text : text[..max];

    [LoggerMessage(Level = LogLevel.Debug, Message = "DRS {Call} for {Subject} answered (request {RequestId})")]
    private static partial void LogRead(ILogger logger, string call, string subject, string? requestId);

    // Retries are not logged one by one: this one line per failed call says what happened.
    [LoggerMessage(Level = LogLevel.Warning, Message = "DRS {Call} for {Subject} failed: {Kind} (HTTP {Status}, code {Code}, request {RequestId}): {DrsMessage}")]
    private static partial void LogFailure(ILogger logger, string call, string subject, DrsFailureKind kind, int? status, string? code, string? requestId, string? drsMessage);
}

internal static class DrsJson
{
    /// <summary>DRS's answers, read through source-generated metadata (<see cref="DrsJsonContext"/>).</summary>
    public static JsonSerializerOptions Options => DrsJsonContext.Default.Options;
}

/// <summary>
/// DRS's wire records, with DRS's names given on each. A number sent as a string is read too (v5's job-detail answers
/// send row counts as strings).
/// </summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString)]
[System.Text.Json.Serialization.JsonSerializable(typeof(CompareProgress))]
[System.Text.Json.Serialization.JsonSerializable(typeof(JobDetailAnswer))]
internal sealed partial class DrsJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

/// <summary>A GET to DRS that carries what its resilience pipeline needs to know: who waits, about what, since when.</summary>
internal sealed class DrsRequest(string path, DrsCallKind kind, string subject, long started) : HttpRequestMessage(HttpMethod.Get, path)
{
    /// <summary>Picks the pipeline: a person waiting, or a poll.</summary>
    public DrsCallKind Kind { get; } = kind;

    /// <summary>When the call began (<see cref="TimeProvider.GetTimestamp"/>): a wait past its budget is never begun.</summary>
    public long Started { get; } = started;

    /// <summary>What the call is about (a comparison or a job), so the breaker can tell one subject's errors from DRS's.</summary>
    public string Subject { get; } = subject;
}
