using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DrsBot.Infrastructure;

/// <summary>
/// A probe's body: the overall status and each check's, e.g. <c>{"status":"Degraded","checks":{"storage":"Degraded: storage unavailable"}}</c>.
/// Descriptions are fixed sentences, never connection details (those stay in the log).
/// </summary>
internal static class HealthReports
{
    public static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        var checks = report.Entries.ToDictionary(
            e => e.Key,
            e => e.Value.Description is { } d ? $"{e.Value.Status}: {d}" : e.Value.Status.ToString(),
            StringComparer.Ordinal);
        return http.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["status"] = report.Status.ToString(),
            ["checks"] = checks,
        }));
    }
}
