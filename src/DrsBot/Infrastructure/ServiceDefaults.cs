using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DrsBot.Infrastructure;

/// <summary>What every part of DrsBot shares: the clock, health checks, quiet and structured logs.</summary>
public static class ServiceDefaults
{
    /// <summary>How long SIGTERM waits for answers in flight and running polls; Kubernetes' grace period is longer.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(20);

    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddTelemetry();
        if (!builder.Environment.IsDevelopment())
        {
            // One JSON object per line, with the scopes (Slack team, channel, user; DRS request id): the console
            // logger's own formatter, so Logging:Console settings apply as operators expect.
            builder.Logging.AddJsonConsole(json =>
            {
                json.IncludeScopes = true;
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                json.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
            });
        }

        builder.Services.AddHealthChecks();
        // HttpClientFactory's own loggers put raw header values (tokens, signatures) into the structured state
        // of their trace events even when the message text is redacted. Our typed clients log what matters.
        builder.Services.ConfigureHttpClientDefaults(http => http.RemoveAllLoggers());
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        return builder;
    }

    public static IEndpointRouteBuilder MapServiceDefaults(this IEndpointRouteBuilder app)
    {
        // Liveness: 200 while the process serves and its poll loop moves, whatever its dependencies do: a restart
        // would not fix them, but it does unstick a wedged loop.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("live"), ResponseWriter = HealthReports.WriteAsync });
        // Readiness: 200 once started. A shared dependency (the storage) must not decide it: when the database is down,
        // every replica would leave the Service and Slack would get no answer at all, although progress, job views and
        // help need no storage. Its state is in the body, and in drsbot_storage_up.
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = HealthReports.WriteAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
