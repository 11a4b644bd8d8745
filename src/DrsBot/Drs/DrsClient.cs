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
    /// <summary>A job's details, replication progress and data comparisons (three ShowJobDetail calls, made together), for a person waiting.</summary>
    Task<JobView> GetJobAsync(string? profile, string jobId, CancellationToken ct);

    /// <summary>
    /// Which tables of a comparison differ: its row-count detail, or its value detail when it has no row-count one,
    /// reading at most <paramref name="maxPages"/> pages of <see cref="DrsClient.TablePageSize"/> tables of each.
    /// Asks v5 ShowJobDetail, and v3's line-detail/content-detail where v5 refuses the question.
    /// </summary>
    Task<TablesResult> GetDifferingTablesAsync(ComparisonRef comparison, int maxPages, CancellationToken ct, string? kind = null);

    /// <summary>
    /// Whether a comparison compares row counts or values, from the job's comparison list (one ShowJobDetail call);
    /// null when DRS does not list it or did not answer.
    /// </summary>
    Task<string?> GetTablesKindAsync(ComparisonRef comparison, CancellationToken ct);
}

/// <summary>Typed client for DRS's compare-progress and job-detail APIs. Every failure comes back as a <see cref="DrsFailure"/>.</summary>
internal sealed partial class DrsClient(
    HttpClient http, DrsProfileSet profiles, TimeProvider time, DrsBotMetrics metrics, DrsCallBudgets budgets, ILogger<DrsClient> logger) : IDrsClient
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
        if (Profile(comparison.Profile) is not { } p)
        {
            return new ProgressFailed(NoProfile(comparison.Profile));
        }

        var path = $"{Base(p)}v5/{p.Project}/jobs/{Uri.EscapeDataString(comparison.JobId)}" +
                   $"/compare-progress/{Uri.EscapeDataString(comparison.CompareJobId)}";
        var (progress, failure, requestId) = await GetAsync<CompareProgress>(
            p, path, kind, DrsResilience.NameOf(kind), comparison.Key, IsFinite, ct);
        return progress is not null ? new ProgressRead(progress, requestId) : new ProgressFailed(failure!);
    }

    public async Task<JobView> GetJobAsync(string? profile, string jobId, CancellationToken ct)
    {
        if (Profile(profile) is not { } p)
        {
            return new JobView(jobId, null, NoProfile(profile), null, null, null) { Profile = profile };
        }

        var job = $"{Base(p)}v5/{p.Project}/jobs/{Uri.EscapeDataString(jobId)}";
        var detailCall = GetAsync<JobDetailAnswer>(p, job + "?type=detail", DrsCallKind.Interactive, "job_detail", jobId, a => a.Job is not null, ct);
        var listCall = ComparisonListAsync(p, jobId, ct);
        var progressCall = GetAsync<JobDetailAnswer>(p, job + "?type=progress", DrsCallKind.Interactive, "job_progress", jobId, a => a.Job is not null, ct);
        var (detail, detailFailure, _) = await detailCall;
        var (list, listFailure, _) = await listCall;
        var (progress, _, _) = await progressCall; // replication health is a bonus: without it the view still answers
        var comparisons = list?.Job?.CompareResult?.DataCompareTasks ?? (list is null ? null : []);
        return new JobView(jobId, detail?.Job, detailFailure, comparisons, list?.Job?.TotalCount, listFailure)
        {
            Replication = progress?.Job?.ProgressInfo,
            Profile = profile,
        };
    }

    /// <summary>The code of DrsBot's own refusal when its DRS call budget is spent (not DRS's: no call was made).</summary>
    public const string BudgetCode = "DRSBOT.BUDGET";

    /// <summary>Tables per page of detail: about 250 bytes each, so a page stays well within <see cref="MaxBodyBytes"/>.</summary>
    public const int TablePageSize = 100;

    public async Task<TablesResult> GetDifferingTablesAsync(ComparisonRef comparison, int maxPages, CancellationToken ct, string? kind = null)
    {
        if (kind is TableDifferences.Rows or TableDifferences.Values)
        {
            return await ReadTablesAsync(comparison, kind, maxPages, ct); // known: one kind, one call a page
        }

        var rows = await ReadTablesAsync(comparison, TableDifferences.Rows, maxPages, ct);
        if (rows.Failure is not null || rows.Tables is { IsEmpty: false })
        {
            return rows;
        }

        // No row-count detail: a value comparison keeps its tables under content_compare.
        var values = await ReadTablesAsync(comparison, TableDifferences.Values, maxPages, ct);
        return values.Tables is { IsEmpty: false } ? values : rows;
    }

    public async Task<string?> GetTablesKindAsync(ComparisonRef comparison, CancellationToken ct)
    {
        if (Profile(comparison.Profile) is not { } p)
        {
            return null;
        }

        var (list, _, _) = await ComparisonListAsync(p, comparison.JobId, ct);
        return list?.Job?.CompareResult?.DataCompareTasks?.FirstOrDefault(t => t.Id == comparison.CompareJobId)?.Type?.ToLowerInvariant() switch
        {
            "lines" or "line" => TableDifferences.Rows,
            "contents" or "content" => TableDifferences.Values,
            _ => null,
        };
    }

    /// <summary>
    /// A job's data comparisons (ShowJobDetail, the first page). DRS documents no page-size maximum; 50 is more than a
    /// Slack reply shows, stays far below MaxBodyBytes, and total_count says how many there are in all.
    /// </summary>
    private Task<(JobDetailAnswer? Value, DrsFailure? Failure, string? RequestId)> ComparisonListAsync(DrsProfile p, string jobId, CancellationToken ct) =>
        GetAsync<JobDetailAnswer>(p, $"{Base(p)}v5/{p.Project}/jobs/{Uri.EscapeDataString(jobId)}?type=compare&compare_type=data_compare&query_type=list&offset=0&limit=50",
            DrsCallKind.Interactive, "job_comparisons", jobId, a => a.Job is not null, ct);

    private async Task<TablesResult> ReadTablesAsync(ComparisonRef c, string kind, int maxPages, CancellationToken ct)
    {
        if (Profile(c.Profile) is not { } p)
        {
            return new TablesResult(null, NoProfile(c.Profile));
        }

        var (job, compare) = (Uri.EscapeDataString(c.JobId), Uri.EscapeDataString(c.CompareJobId));
        var v3 = false;
        var inconsistent = new List<TableDifference>();
        var notCompared = new List<TableDifference>();
        var (read, total) = (0, 0);
        for (var page = 0; page < maxPages; page++)
        {
            var window = $"offset={read}&limit={TablePageSize}";
            IReadOnlyList<(TableVerdict Verdict, TableDifference Table)> entries;
            int? count;
            if (!v3)
            {
                var type = kind == TableDifferences.Rows ? "line_compare" : "content_compare";
                var (answer, failure, _) = await GetAsync<JobDetailAnswer>(
                    p, $"{Base(p)}v5/{p.Project}/jobs/{job}?type=compare&compare_type={type}&query_type=detail&compare_task_id={compare}&{window}",
                    DrsCallKind.Interactive, "compare_tables", c.Key, a => a.Job is not null, ct);
                if (failure is not null)
                {
                    if (page == 0 && V5DoesNotServe(failure))
                    {
                        v3 = true; // this gateway or engine has no v5 detail: the same page from v3
                        page--;
                        continue;
                    }

                    return new TablesResult(null, failure);
                }

                var result = answer!.Job!.CompareResult;
                entries = kind == TableDifferences.Rows
                    ? [.. (result?.LineDetails ?? []).Select(d => (TableVerdicts.OfV5(d.Status), Table(d.SourceTable, d.TargetTable, d.SourceRows, d.TargetRows, d.Difference, d.Message)))]
                    : [.. (result?.ContentDetails ?? []).Select(d => (TableVerdicts.OfContent(d), Table(d.SourceTable, d.TargetTable, d.SourceRows, d.TargetRows, d.Difference, d.Message)))];
                count = answer.Job.TotalCount;
            }
            else if (kind == TableDifferences.Rows)
            {
                var (answer, failure, _) = await GetAsync<LineDetailAnswer>(
                    p, $"{Base(p)}v3/{p.Project}/jobs/{job}/compare/{compare}/line-detail?{window}",
                    DrsCallKind.Interactive, "compare_tables_v3", c.Key, _ => true, ct);
                if (failure is not null)
                {
                    return new TablesResult(null, failure);
                }

                entries = [.. (answer!.Tables ?? []).Select(d => (TableVerdicts.OfV3(d.Status),
                    Table(d.SourceTable, d.TargetTable, d.SourceRows, d.TargetRows, d.Difference, TableVerdicts.V3Meaning(d.Status))))];
                count = answer.TotalCount;
            }
            else
            {
                var (answer, failure, _) = await GetAsync<ContentDetailAnswer>(
                    p, $"{Base(p)}v3/{p.Project}/jobs/{job}/compare/{compare}/content-detail?{window}",
                    DrsCallKind.Interactive, "compare_tables_v3", c.Key, _ => true, ct);
                if (failure is not null)
                {
                    return new TablesResult(null, failure);
                }

                entries = [.. (answer!.Tables ?? []).Select(d => (TableVerdicts.OfContent(d), Table(d.SourceTable, d.TargetTable, d.SourceRows, d.TargetRows, d.Difference, d.Message)))];
                count = answer.TotalCount;
            }

            read += entries.Count;
            total = Math.Max(count ?? read, read);
            inconsistent.AddRange(entries.Where(e => e.Verdict == TableVerdict.Inconsistent).Select(e => e.Table));
            notCompared.AddRange(entries.Where(e => e.Verdict == TableVerdict.NotCompared).Select(e => e.Table));
            if (entries.Count < TablePageSize || read >= total)
            {
                break;
            }
        }

        return new TablesResult(new TableDifferences(kind,
            [.. inconsistent.OrderByDescending(t => t.Size).ThenBy(t => t.SourceTable, StringComparer.Ordinal)],
            [.. notCompared.OrderBy(t => t.SourceTable, StringComparer.Ordinal)], read, total), null);
    }

    /// <summary>
    /// v5 refusing the question itself, not the comparison: the gateway knows no such API (APIG.0101), or DRS calls a
    /// parameter invalid (an engine whose detail v5 does not serve). A missing job or comparison is not this.
    /// </summary>
    private static bool V5DoesNotServe(DrsFailure failure) =>
        failure.Code is "APIG.0101" or "APIGW.0101"
        || (failure is { Kind: DrsFailureKind.Rejected, StatusCode: 400 } && failure.Code is "DRS.M00007" or "DRS.M00200" or "DRS.M00201" or "DRS.M00202");

    private static TableDifference Table(string? source, string? target, long? sourceRows, long? targetRows, long? difference, string? message) =>
        new(Clip(source, 256) ?? "?", Clip(target ?? source, 256) ?? "?", sourceRows, targetRows, difference, Clip(message, 300));

    private DrsProfile? Profile(string? name) => profiles.Find(name);

    /// <summary>A watch of a profile no longer configured (removed from Drs:Profiles): said plainly, and no call made.</summary>
    private static DrsFailure NoProfile(string? name) => new(DrsFailureKind.Rejected, Code: NoProfileCode,
        Message: $"DrsBot has no DRS profile named '{name}' (Drs:Profiles:{name}): it was removed from the configuration, or never there.");

    /// <summary>The code of DrsBot's own refusal of a profile it does not know (not DRS's: no call was made).</summary>
    public const string NoProfileCode = "DRSBOT.PROFILE";

    /// <summary>
    /// The base address each path is written after, so the request's address is one absolute string. A relative one
    /// is combined with BaseAddress by HttpClient on every call (two more strings and a char[]). The default profile's
    /// is the client's own BaseAddress (the demo points it at its simulator); empty, so HttpClient combines after all,
    /// for a base with a query or fragment, which combining drops. Another profile's is always its own: a relative path
    /// would go to the default profile's host.
    /// </summary>
    private string Base(DrsProfile profile) => !profile.IsDefault
        ? profile.BaseAddress ?? throw new InvalidOperationException($"Drs:Profiles:{profile.Name} has no endpoint, which start-up validation refuses.")
        : http.BaseAddress?.AbsoluteUri is { } address && address.EndsWith('/') && address.AsSpan().IndexOfAny('?', '#') < 0
            ? address
            : "";

    /// <summary>One GET with the headers DRS wants, timed, logged once and counted; the answer or why not.</summary>
    private async Task<(T? Value, DrsFailure? Failure, string? RequestId)> GetAsync<T>(
        DrsProfile profile, string path, DrsCallKind kind, string call, string subject, Func<T, bool> isComplete, CancellationToken ct) where T : class
    {
        // A person waiting gets what the planned polls leave of the minute; polls are held to theirs before they call.
        if (kind == DrsCallKind.Interactive && !budgets.For(profile.Name).TryCommand())
        {
            metrics.DrsCall(call, TimeSpan.Zero, "over_budget", BudgetCode);
            return (null, new DrsFailure(DrsFailureKind.Throttled, Code: BudgetCode,
                Message: $"DrsBot has made as many DRS calls this minute as {ComparisonRef.SettingsSection(profile.Name)}:MaxCallsPerMinute allows. Try again in a minute."), null);
        }

        using var request = new DrsRequest(path, kind, subject, time.GetTimestamp(), profile);
        request.Headers.TryAddWithoutValidation("X-Language", profile.Options.Language);
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
[System.Text.Json.Serialization.JsonSerializable(typeof(LineDetailAnswer))]
[System.Text.Json.Serialization.JsonSerializable(typeof(ContentDetailAnswer))]
internal sealed partial class DrsJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

/// <summary>A GET to DRS that carries what its resilience pipeline needs to know: who waits, about what, since when.</summary>
internal sealed class DrsRequest(string path, DrsCallKind kind, string subject, long started, DrsProfile profile) : HttpRequestMessage(HttpMethod.Get, path)
{
    /// <summary>Whose project and credentials: auth, the circuit breakers and the call budget are the profile's.</summary>
    public DrsProfile Profile { get; } = profile;

    /// <summary>The request's profile's settings, or null when the request is not DrsBot's own (tests of one handler).</summary>
    public static DrsProfileOptions? ProfileOf(HttpRequestMessage request) => (request as DrsRequest)?.Profile.Options;

    /// <summary>The request's profile's name; the default one for a request that is not a DrsRequest.</summary>
    public static string ProfileNameOf(HttpRequestMessage? request) => (request as DrsRequest)?.Profile.Name ?? ComparisonRef.DefaultProfile;

    /// <summary>Picks the pipeline: a person waiting, or a poll.</summary>
    public DrsCallKind Kind { get; } = kind;

    /// <summary>When the call began (<see cref="TimeProvider.GetTimestamp"/>): a wait past its budget is never begun.</summary>
    public long Started { get; } = started;

    /// <summary>What the call is about (a comparison or a job), so the breaker can tell one subject's errors from DRS's.</summary>
    public string Subject { get; } = subject;
}
