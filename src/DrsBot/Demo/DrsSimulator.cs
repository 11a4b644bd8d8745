using System.Globalization;
using DrsBot.Drs;
using DrsBot.Infrastructure;
using DrsBot.Watching;

namespace DrsBot.Demo;

/// <summary>
/// A stand-in for DRS's compare-progress API with fixed, documented scenarios. Progress follows the clock from
/// the simulator's start, not the number of requests, so everyone watching sees the same story. Each scenario
/// repeats on a cycle so a demo left running keeps producing news.
/// </summary>
public sealed class DrsSimulator(TimeProvider time)
{
    public const string JobId = "demo-job";
    public const string ProjectId = "demo-project";
    private readonly DateTimeOffset _start = time.GetUtcNow();

    public static readonly IReadOnlyList<(string CompareId, string Story)> Scenarios =
    [
        ("full-cmp", "full comparison 0 → 100 % over a minute, then holds; restarts every 3 minutes"),
        ("dynamic-cmp", "dynamic comparison: full done, incremental delay falls from 45 s to 0 over 40 s; repeats every 2 minutes"),
        ("recheck-cmp", "full comparison that finds 3 + 2 rows to recheck after 20 s; repeats every 2 minutes"),
        ("flaky-cmp", "answers for 40 s, then fails for 45 s (HTTP 500 and APIG.0308 throttling, alternating every 5 s), then recovers; every 2 minutes"),
        ("fast-cmp", "full comparison 0 → 100 % in 10 s, then holds; restarts every minute"),
        ("slow-cmp", "full comparison 0 → 100 % over 30 minutes at a steady pace (ask twice a minute apart for an ETA); restarts every hour"),
        ("load-<anything>", "behaves like full-cmp: as many distinct comparisons as a benchmark needs"),
    ];

    /// <summary>Finished comparisons the job view lists too; compare-progress does not serve them, as in DRS.</summary>
    private static readonly (string Id, string Type)[] Finished = [("objects-cmp", "object"), ("last-week-cmp", "lines")];

    public static void Map(IEndpointRouteBuilder app, string prefix)
    {
        app.MapGet(prefix + "/v5/{projectId}/jobs/{jobId}/compare-progress/{compareId}",
            (string projectId, string jobId, string compareId, HttpContext http, DrsSimulator simulator) =>
                simulator.Answer(jobId, compareId, http))
            .ExcludeFromDescription();
        app.MapGet(prefix + "/v5/{projectId}/jobs/{jobId}",
            (string projectId, string jobId, HttpContext http, DrsSimulator simulator) => simulator.Job(jobId, http))
            .ExcludeFromDescription();
    }

    /// <summary>ShowJobDetail for <c>demo-job</c>: type=detail, or its data comparisons (type=compare, query_type=list).</summary>
    private IResult Job(string jobId, HttpContext http)
    {
        http.Response.Headers["X-Request-Id"] = "sim-" + Guid.NewGuid().ToString("N")[..12];
        if (string.IsNullOrEmpty(http.Request.Headers["X-Auth-Token"]))
        {
            return Error(401, "APIG.0301", "Incorrect IAM authentication information: token missing");
        }

        if (jobId != JobId)
        {
            return Error(400, DrsFailure.TaskNotFoundCode, "Job does not exist, please check job ID.");
        }

        var query = http.Request.Query;
        var started = _start.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        if (query["type"] == "detail")
        {
            return Answer(new JobDetailAnswer(new JobDetail(JobId, "INCRE_TRANSFER_STARTED", started,
                new JobBaseInfo("orders-db to cloud (demo)", "migration", "mysql-to-mysql", "FULL_INCR_TRANS"),
                [new JobEndpoint("mysql")], [new JobEndpoint("mysql")], null, null)));
        }

        if (query["type"] == "progress")
        {
            // Replication catches up and falls behind on a two-minute cycle, like dynamic-cmp.
            var delay = Math.Max(0, 30 - ((time.GetUtcNow() - _start).TotalSeconds % 120) * 30 / 40);
            return Answer(new JobDetailAnswer(new JobDetail(JobId, "INCRE_TRANSFER_STARTED", started, null, null, null, null, null)
            {
                ProgressInfo = new JobProgressInfo("100", Math.Round(delay).ToString(CultureInfo.InvariantCulture),
                    Math.Round(delay * 1000).ToString(CultureInfo.InvariantCulture), "FULL_INCR_TRANS", "INCRE_TRANSFER_STARTED"),
            }));
        }

        if (query["type"] == "compare" && query["compare_type"] == "data_compare" && query["query_type"] == "list")
        {
            var weekAgo = _start.AddDays(-7).UtcDateTime;
            List<CompareTaskInfo> tasks =
            [
                .. Scenarios.Where(s => !s.CompareId.StartsWith("load-", StringComparison.Ordinal)).Select(s =>
                    new CompareTaskInfo(s.CompareId, s.CompareId == "dynamic-cmp" ? "contents" : "lines",
                        s.CompareId == "dynamic-cmp" ? "INCRE_DOING" : "RUNNING", started, null, null)),
                .. Finished.Select(f => new CompareTaskInfo(f.Id, f.Type, "SUCCESSFUL",
                    weekAgo.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                    weekAgo.AddHours(2).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), null)),
            ];
            return Answer(new JobDetailAnswer(new JobDetail(JobId, null, null, null, null, null,
                new CompareResultInfo(tasks), tasks.Count)));
        }

        if (query["type"] == "compare" && query["query_type"] == "detail" && query["compare_type"] == "line_compare")
        {
            return Answer(new JobDetailAnswer(new JobDetail(JobId, null, null, null, null, null,
                new CompareResultInfo(null) { LineDetails = LineDetails(query["compare_task_id"].ToString()) }, null) with { TotalCount = LineDetails(query["compare_task_id"].ToString()).Count }));
        }

        if (query["type"] == "compare" && query["query_type"] == "detail" && query["compare_type"] == "content_compare")
        {
            return Answer(new JobDetailAnswer(new JobDetail(JobId, null, null, null, null, null, new CompareResultInfo(null) { ContentDetails = [] }, 0)));
        }

        return Error(400, "DRS.M00202", "The value of type is invalid.");
    }

    /// <summary>
    /// The row-count detail of the demo's comparisons: recheck-cmp has the three tables behind its rows to recheck
    /// once it has found them; the others have every table consistent.
    /// </summary>
    private List<LineCompareDetail> LineDetails(string compareId)
    {
        var found = compareId == "recheck-cmp" && (time.GetUtcNow() - _start).TotalSeconds % 120 >= 20;
        return
        [
            new("orders.order_items", "orders.order_items", found ? "INCONSISTENT" : "CONSISTENT", null, 182_044, found ? 182_042 : 182_044, found ? 2 : 0),
            new("orders.payments", "orders.payments", found ? "INCONSISTENT" : "CONSISTENT", null, 48_310, found ? 48_309 : 48_310, found ? 1 : 0),
            new("orders.customers", "orders.customers", "CONSISTENT", null, 9_120, 9_120, 0),
            new("orders.audit_log", "orders.audit_log", "CAN_NOT_COMPARE", "The table has no primary key.", 1_200_000, 1_200_000, 0),
        ];
    }

    private IResult Answer(string jobId, string compareId, HttpContext http)
    {
        http.Response.Headers["X-Request-Id"] = "sim-" + Guid.NewGuid().ToString("N")[..12];
        var t = (time.GetUtcNow() - _start).TotalSeconds;
        if (string.IsNullOrEmpty(http.Request.Headers["X-Auth-Token"]))
        {
            return Error(401, "APIG.0301", "Incorrect IAM authentication information: token missing");
        }

        if (jobId != JobId)
        {
            return NotFound();
        }

        switch (compareId)
        {
            case "full-cmp":
            case not null when compareId.StartsWith("load-", StringComparison.Ordinal):
                return Progress(full: Ramp(t % 180, 60), fullRecheck: 0);
            case "fast-cmp":
                return Progress(full: Ramp(t % 60, 10), fullRecheck: 0);
            case "slow-cmp":
                return Progress(full: Ramp(t % 3600, 1800), fullRecheck: 0);
            case "dynamic-cmp":
                var delay = Math.Max(0, 45 - (t % 120) * 45 / 40);
                return Progress(full: 100, fullRecheck: 0, delay: Math.Round(delay, 2), increRecheck: 0, logPoint: 51 + (long)t);
            case "recheck-cmp":
                var found = t % 120 >= 20;
                return Progress(full: Ramp(t % 120, 60), fullRecheck: found ? 3 : 0, delay: found ? 4.2 : 9.9, increRecheck: found ? 2 : 0);
            case "flaky-cmp":
                // Long enough to fail three polls in a row at the demo's 5-second interval, so the on-call alert
                // and then the "answering again" message both show.
                var phase = t % 120;
                if (phase is >= 40 and < 85)
                {
                    return ((int)(phase / 5) % 2 == 0)
                        ? Error(500, "DRS.00000001", "Internal service error (simulated).")
                        : Error(429, "APIG.0308", "The throttling threshold has been reached: policy user over ratelimit (simulated)");
                }

                return Progress(full: Ramp(phase, 120), fullRecheck: 0);
            default:
                return NotFound();
        }
    }

    private static double Ramp(double seconds, double over) => Math.Round(Math.Min(100, seconds / over * 100), 2);

    /// <summary>DRS's own records (<see cref="DrsJson"/>), written as DRS writes them: what does not apply is left out.</summary>
    private static readonly System.Text.Json.JsonSerializerOptions Json = new(DrsJson.Options)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private static IResult Answer(JobDetailAnswer answer) => TypedResults.Json(answer, Json.TypeInfo<JobDetailAnswer>());

    private static IResult Progress(double full, long fullRecheck, double? delay = null, long increRecheck = 0, long logPoint = 51) =>
        TypedResults.Json(new CompareProgress(
            new FullCompareInfo(full, Speed(full < 100 ? 12.5 : 0), fullRecheck),
            delay is null ? null : new IncrementalCompareInfo(delay, Speed(delay > 0 ? 3.2 : 0.4), delay > 0 ? 850 : 40, $"951de1d2-61ee-11f0-8081-fa163ef20ddd:{logPoint}", increRecheck),
            new GlobalCompareInfo(Speed(full < 100 ? 15.7 : 0.4))), Json.TypeInfo<CompareProgress>());

    private static string Speed(double mbPerSecond) =>
        mbPerSecond == 0 ? "0.00B/s" : string.Create(CultureInfo.InvariantCulture, $"{mbPerSecond:0.00}MB/s");

    private static IResult NotFound() => Error(400, DrsFailure.TaskNotFoundCode, "Task information not found.");

    private static IResult Error(int status, string code, string message) =>
        TypedResults.Json(new SimulatedError(code, message), DemoJson.Default.SimulatedError, statusCode: status);
}
