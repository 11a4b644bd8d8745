using Microsoft.AspNetCore.Diagnostics.HealthChecks;

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
            // One JSON object per line, scopes (Slack team, channel, user; DRS request id) as fields.
            builder.Logging.AddJsonLines();
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
        // Liveness: 200 while the process serves, whatever its dependencies do; a restart would not fix them.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        // Readiness: 503 while a dependency tagged "ready" (the storage) does not answer.
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
