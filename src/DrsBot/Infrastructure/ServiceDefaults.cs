namespace DrsBot.Infrastructure;

/// <summary>What every part of DrsBot shares: the clock, health checks, quiet and structured logs.</summary>
public static class ServiceDefaults
{
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHealthChecks();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
        // HttpClient's own request logs print URLs; ours are structured and say what matters.
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        return builder;
    }

    public static IEndpointRouteBuilder MapServiceDefaults(this IEndpointRouteBuilder app)
    {
        // Liveness: 200 while the process serves. Readiness (/readyz) will add storage checks.
        app.MapHealthChecks("/healthz");
        return app;
    }
}
