using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace DrsBot.Infrastructure;

/// <summary>
/// Metrics for Prometheus at <c>/metrics</c>, always; with the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set,
/// traces and metrics also go to that collector (a command's trace spans the Slack request, the DRS call and the
/// reply). Only built-in meters and DrsBot's own: no instrument carries an id, a channel or a URL path.
/// </summary>
public static class Telemetry
{
    /// <summary>Marks a request that tracing must not record (its URL is a secret, as a response_url's is).</summary>
    public static readonly HttpRequestOptionsKey<bool> NotTraced = new("DrsBot.NotTraced");

    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    private static readonly string[] Meters =
    [
        DrsBotMetrics.MeterName,
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "System.Net.Http",
        "System.Runtime",
    ];

    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DrsBotMetrics>();
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("drsbot"))
            // No scrape cache: two scrapers (or a test) a moment apart must not see the same stale numbers.
            .WithMetrics(metrics => metrics.AddMeter(Meters).AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));

        var tracing = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]);
        // Trace and span ids in log lines only when traces go where they can be looked up; without a collector they
        // correlate nothing the request id does not, and cost every line a lock and two strings.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = tracing
            ? ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId
            : ActivityTrackingOptions.None);
        if (!tracing)
        {
            // Nor a child activity and a traceparent header on every DRS and Slack call, for a trace nobody records.
            // Process-wide, read once by HttpClient: set before the first request, as this runs at start-up.
            AppContext.SetSwitch("System.Net.Http.EnableActivityPropagation", false);
        }

        if (tracing)
        {
            otel.WithTracing(tracing => tracing
                    .AddSource(DrsBotMetrics.MeterName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/metrics")
                                                                          && !http.Request.Path.StartsWithSegments("/healthz")
                                                                          && !http.Request.Path.StartsWithSegments("/readyz"))
                    // A response_url is a credential for its conversation: its request gets no span at all.
                    .AddHttpClientInstrumentation(o => o.FilterHttpRequestMessage = request =>
                        !request.Options.TryGetValue(NotTraced, out _)))
                .UseOtlpExporter();
        }

        return builder;
    }
}
