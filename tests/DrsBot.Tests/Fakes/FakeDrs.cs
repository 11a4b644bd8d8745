using System.Collections.Concurrent;
using DrsBot.Drs;
using DrsBot.Tests.Deployment;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DrsBot.Tests.Fakes;

/// <summary>What the fake DRS answers: a status, a JSON body, headers, and how long it takes.</summary>
public sealed record DrsAnswer(int Status, string Body, TimeSpan Delay = default, IReadOnlyDictionary<string, string>? Headers = null)
{
    public static DrsAnswer Ok(string json) => new(200, json, Headers: new Dictionary<string, string> { ["X-Request-Id"] = "req-ok" });

    public static DrsAnswer Progress(double? full = null, double? delay = null, long fullRecheck = 0, long increRecheck = 0)
    {
        var parts = new List<string>();
        if (full is not null)
        {
            parts.Add($$"""
                "full_info": {"progress": {{full.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, "src_speed": "1.20MB/s", "recheck_entities": {{fullRecheck}}}
                """);
        }

        if (delay is not null)
        {
            parts.Add($$"""
                "incre_info": {"delay": {{delay.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, "src_speed": "0.50MB/s", "rps": 120, "log_point": "lp:1", "recheck_entities": {{increRecheck}}}
                """);
        }

        return Ok("{" + string.Join(",", parts) + "}");
    }

    public static DrsAnswer NotFound() => new(400, """{"error_code":"DRS.10000010","error_msg":"Task information not found."}""",
        Headers: new Dictionary<string, string> { ["X-Request-Id"] = "req-404" });

    /// <summary>A body that never ends (until the client hangs up, or 256 MiB): DrsBot must stop reading on its own.</summary>
    public static DrsAnswer Endless(int status) => new(status, EndlessMarker);

    public const string EndlessMarker = "<endless>";

    /// <summary>The answer's headers and half its body, then nothing more, its connection left open: a stalled DRS.</summary>
    public static DrsAnswer StallsMidBody() => new(200, StallMarker);

    public const string StallMarker = "<stalls>";

    /// <summary>ShowJobDetail type=detail, shaped like the SDK's JobDetailResp.</summary>
    public static DrsAnswer JobDetail(string jobId, string name, string status = "INCRE_TRANSFER_STARTED", string engine = "mysql-to-mysql") => Ok($$$"""
        {"job": {"id": "{{{jobId}}}", "status": "{{{status}}}", "create_time": "2026-11-28T08:00:00Z",
                 "base_info": {"name": {{{System.Text.Json.JsonSerializer.Serialize(name)}}}, "job_type": "migration", "engine_type": "{{{engine}}}", "task_type": "FULL_INCR_TRANS"},
                 "source_endpoint": [{"db_type": "mysql"}], "target_endpoint": [{"db_type": "mysql"}]}}
        """);

    /// <summary>ShowJobDetail type=compare&amp;compare_type=data_compare&amp;query_type=list.</summary>
    public static DrsAnswer JobComparisons(int? totalCount, params (string Id, string Type, string Status)[] tasks) => Ok(
        "{\"job\": {\"compare_result\": {\"data_compare_task_list\": [" +
        string.Join(",", tasks.Select((t, i) => $$$"""
            {"id": {{{System.Text.Json.JsonSerializer.Serialize(t.Id)}}}, "type": "{{{t.Type}}}", "status": "{{{t.Status}}}",
             "start_time": "2026-11-28T{{{10 + i % 10}}}:00:00Z", "end_time": "", "compute_type": "drs", "options": {"contentCompareType": "dynamic"}}
            """)) +
        "]}" + (totalCount is null ? "" : $", \"total_count\": {totalCount}") + "}}");

    public static DrsAnswer ServerError() => new(500, """{"error_code":"DRS.00000001","error_msg":"Internal error."}""",
        Headers: new Dictionary<string, string> { ["X-Request-Id"] = "req-500" });
}

/// <summary>A loopback stand-in for DRS's compare-progress API that records every request it receives.</summary>
public sealed class FakeDrs : LoopbackServer
{
    public const string ApiPageExample = """
        {
          "full_info" : { "progress" : 100, "src_speed" : "0.00B/s", "recheck_entities" : 0 },
          "incre_info" : { "delay" : 9.58, "src_speed" : "0.00B/s", "rps" : 0,
                           "log_point" : "951de1d2-61ee-11f0-8081-fa163ef20ddd:51", "recheck_entities" : 0 },
          "global_info" : { "src_speed" : "0.00B/s" }
        }
        """;

    private readonly ConcurrentDictionary<string, ConcurrentQueue<DrsAnswer>> _scripts = new();
    private readonly ConcurrentDictionary<string, DrsAnswer> _steady = new();

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    private readonly ConcurrentDictionary<string, FakeTables> _tables = new();

    /// <summary>The per-table detail of one comparison, served by v5 (unless <paramref name="v5"/> is false) and v3.</summary>
    public void ScriptTables(string jobId, string compareId, string kind, bool v5, params FakeTable[] tables) =>
        _tables[FakeTables.Key(jobId, compareId, kind)] = new FakeTables(kind, tables, v5);

    /// <summary>Calls for a comparison's per-table detail, v5 and v3.</summary>
    public int TableCalls(string compareId) =>
        Requests.Count(r => r.Path.Contains($"compare_task_id={compareId}", StringComparison.Ordinal) || r.Path.Contains($"/compare/{compareId}/", StringComparison.Ordinal));

    /// <summary>When set, a request this returns false for is answered 401 APIG.0301, as the API gateway would.</summary>
    public Func<HttpRequest, bool>? Authorize { get; set; }

    /// <summary>Answers for one comparison: each call takes the next; the last one repeats.</summary>
    public void Script(string jobId, string compareId, params DrsAnswer[] answers)
    {
        var queue = new ConcurrentQueue<DrsAnswer>(answers[..^1]);
        _scripts[$"{jobId}/{compareId}"] = queue;
        _steady[$"{jobId}/{compareId}"] = answers[^1];
    }

    /// <summary>Answers for ShowJobDetail of one job: type=detail, and the comparison list.</summary>
    public void ScriptJob(string jobId, DrsAnswer detail, DrsAnswer comparisons)
    {
        _steady[$"{jobId}?detail"] = detail;
        _steady[$"{jobId}?compare"] = comparisons;
    }

    /// <summary>ShowJobDetail type=progress of one job.</summary>
    public void ScriptJobProgress(string jobId, DrsAnswer progress) => _steady[$"{jobId}?progress"] = progress;

    /// <summary>Waits until DRS has been asked about the comparison <paramref name="calls"/> times.</summary>
    public async Task WaitForCallsAsync(string jobId, string compareId, int calls, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (CallsFor(jobId, compareId) < calls)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"DRS was asked about {jobId}/{compareId} {CallsFor(jobId, compareId)} times, not {calls}.");
            }

            await Task.Delay(10);
        }
    }

    public int CallsFor(string jobId, string compareId) =>
        Requests.Count(r => r.Path.EndsWith($"/jobs/{jobId}/compare-progress/{compareId}", StringComparison.Ordinal));

    protected override void Map(WebApplication app)
    {
        app.MapGet("/v5/{projectId}/jobs/{jobId}/compare-progress/{compareId}",
            (HttpContext http, string projectId, string jobId, string compareId) => AnswerAsync(http, $"{jobId}/{compareId}"));
        // ShowJobDetail answers only the two shapes DrsBot asks for; anything else is DRS's "invalid parameter".
        app.MapGet("/v3/{projectId}/jobs/{jobId}/compare/{compareId}/line-detail", (HttpContext http, string projectId, string jobId, string compareId) =>
            TablesAsync(http, () => FakeTables.AnswerV3Async(http, _tables.GetValueOrDefault(FakeTables.Key(jobId, compareId, FakeTables.Line)), FakeTables.Line)));
        app.MapGet("/v3/{projectId}/jobs/{jobId}/compare/{compareId}/content-detail", (HttpContext http, string projectId, string jobId, string compareId) =>
            TablesAsync(http, () => FakeTables.AnswerV3Async(http, _tables.GetValueOrDefault(FakeTables.Key(jobId, compareId, FakeTables.Content)), FakeTables.Content)));
        app.MapGet("/v5/{projectId}/jobs/{jobId}", (HttpContext http, string projectId, string jobId) =>
        {
            var q = http.Request.Query;
            if (q["type"] == "compare" && q["query_type"] == "detail" && q["compare_type"] is var type && (type == "line_compare" || type == "content_compare"))
            {
                var tablesKind = type == "line_compare" ? FakeTables.Line : FakeTables.Content;
                var scripted = _tables.GetValueOrDefault(FakeTables.Key(jobId, q["compare_task_id"].ToString(), tablesKind));
                // A gateway without v5 detail refuses every v5 detail question, whichever kind.
                var v5Refused = _tables.Any(t => t.Key.StartsWith($"{jobId}/{q["compare_task_id"]}?", StringComparison.Ordinal) && !t.Value.V5);
                return TablesAsync(http, () => FakeTables.AnswerV5Async(http, v5Refused ? scripted ?? new FakeTables(tablesKind, [], V5: false) : scripted, jobId));
            }

            var kind = q["type"] == "detail" ? "detail"
                : q["type"] == "progress" ? "progress"
                : q["type"] == "compare" && q["compare_type"] == "data_compare" && q["query_type"] == "list" ? "compare"
                : null;
            return AnswerAsync(http, kind is null ? "" : $"{jobId}?{kind}");
        });
    }

    private async Task TablesAsync(HttpContext http, Func<Task> answer)
    {
        Requests.Enqueue(RecordedRequest.From(http.Request));
        http.Response.Headers["X-Request-Id"] = "req-tables";
        await answer();
    }

    private async Task AnswerAsync(HttpContext http, string key)
    {
        Requests.Enqueue(RecordedRequest.From(http.Request));
        if (Authorize is { } authorize && !authorize(http.Request))
        {
            http.Response.StatusCode = 401;
            http.Response.Headers["X-Request-Id"] = "req-401";
            await http.Response.WriteAsJsonAsync(new { error_code = "APIG.0301", error_msg = "Incorrect IAM authentication information: verify aksk signature fail" });
            return;
        }

        var answer = _scripts.TryGetValue(key, out var queue) && queue.TryDequeue(out var next)
            ? next
            : _steady.GetValueOrDefault(key) ?? DrsAnswer.NotFound();

        if (answer.Delay > TimeSpan.Zero)
        {
            await Task.Delay(answer.Delay, http.RequestAborted);
        }

        foreach (var (name, value) in answer.Headers ?? new Dictionary<string, string>())
        {
            http.Response.Headers[name] = value;
        }

        http.Response.StatusCode = answer.Status;
        http.Response.ContentType = "application/json";
        if (answer.Body == DrsAnswer.EndlessMarker)
        {
            var chunk = System.Text.Encoding.UTF8.GetBytes("{\"error_code\":\"DRS.1\",\"error_msg\":\"" + new string('x', 65536));
            try
            {
                for (var sent = 0L; sent < 256L << 20 && !http.RequestAborted.IsCancellationRequested; sent += chunk.Length)
                {
                    await http.Response.Body.WriteAsync(chunk, http.RequestAborted);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
            }

            return;
        }

        if (answer.Body == DrsAnswer.StallMarker)
        {
            var whole = System.Text.Encoding.UTF8.GetBytes(ApiPageExample);
            http.Response.ContentLength = whole.Length;
            await http.Response.Body.WriteAsync(whole.AsMemory(0, whole.Length / 2), http.RequestAborted);
            await http.Response.Body.FlushAsync(http.RequestAborted);
            try
            {
                await Task.Delay(Timeout.Infinite, http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }

            return;
        }

        await http.Response.WriteAsync(answer.Body);
    }
}

public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>When the request arrived, by this machine's clock.</summary>
    public DateTimeOffset At { get; init; } = DateTimeOffset.UtcNow;

    public static RecordedRequest From(HttpRequest request) => new(
        request.Method,
        request.Path + request.QueryString,
        request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
        "");
}
