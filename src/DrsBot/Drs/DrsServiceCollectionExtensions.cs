using DrsBot.Drs.Auth;
using Microsoft.Extensions.Options;

namespace DrsBot.Drs;

public static class DrsServiceCollectionExtensions
{
    /// <summary>The DRS edge: validated options, the typed client, its auth and resilience.</summary>
    public static IServiceCollection AddDrs(this IServiceCollection services)
    {
        services.AddOptions<DrsOptions>().BindConfiguration(DrsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DrsOptions>, DrsOptionsValidator>();
        services.AddTransient<StaticTokenHandler>();

        var client = services.AddHttpClient<IDrsClient, DrsClient>((sp, http) =>
            {
                var drs = sp.GetRequiredService<IOptions<DrsOptions>>().Value;
                var endpoint = drs.ResolvedEndpoint!.ToString();
                http.BaseAddress = new Uri(endpoint.EndsWith('/') ? endpoint : endpoint + "/");
                http.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline owns timeouts
                http.MaxResponseContentBufferSize = 1024 * 1024;
            })
            .RedactLoggedHeaders(_ => true);

        // Handlers run in the order added: resilience outside, so every retry is authenticated afresh.
        client.AddResilienceHandler("drs", (pipeline, context) =>
            DrsResilience.Configure(pipeline, context.ServiceProvider.GetRequiredService<IOptions<DrsOptions>>().Value));
        client.AddHttpMessageHandler<StaticTokenHandler>();

        return services;
    }
}
