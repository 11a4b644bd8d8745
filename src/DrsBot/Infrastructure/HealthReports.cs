using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DrsBot.Infrastructure;

/// <summary>
/// A probe's body: the overall status and each check's, e.g. <c>{"status":"Degraded","checks":{"storage":"Degraded: storage unavailable"}}</c>.
/// Descriptions are fixed sentences, never connection details (those stay in the log).
/// </summary>
internal static partial class HealthReports
{
    public static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        var checks = report.Entries.ToDictionary(
            e => e.Key,
            e => e.Value.Description is { } d ? $"{e.Value.Status}: {d}" : e.Value.Status.ToString(),
            StringComparer.Ordinal);
        return http.Response.WriteAsync(JsonSerializer.Serialize(new Probe(report.Status.ToString(), checks), ProbeJson.Default.Probe));
    }

    private sealed record Probe(string Status, Dictionary<string, string> Checks);

    [System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
    [System.Text.Json.Serialization.JsonSerializable(typeof(Probe))]
    private sealed partial class ProbeJson : System.Text.Json.Serialization.JsonSerializerContext;
}
