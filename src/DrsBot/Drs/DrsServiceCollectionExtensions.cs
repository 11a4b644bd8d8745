using DrsBot.Drs.Auth;
using DrsBot.Infrastructure;
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
        services.AddTransient<IamTokenHandler>();
        services.AddTransient<AkSkSigningHandler>();
        services.AddSingleton<IamTokenProvider>(); // one per process: its cached token serves every DRS call
        services.AddHttpClient(IamTokenProvider.HttpClientName, (sp, http) =>
            {
                http.BaseAddress = sp.GetRequiredService<IOptions<DrsOptions>>().Value.ResolvedIamEndpoint.AsBaseAddress();
                http.Timeout = TimeSpan.FromSeconds(10);
                http.MaxResponseContentBufferSize = DrsClient.MaxBodyBytes;
            });

        var client = services.AddHttpClient<IDrsClient, DrsClient>((sp, http) =>
            {
                http.BaseAddress = sp.GetRequiredService<IOptions<DrsOptions>>().Value.ResolvedEndpoint!.AsBaseAddress();
                http.Timeout = Timeout.InfiniteTimeSpan; // DrsResilienceHandler owns timeouts
                http.MaxResponseContentBufferSize = DrsClient.MaxBodyBytes;
            });

        // Handlers run in the order added: resilience outside, so every retry is authenticated afresh.
        services.AddSingleton<DrsCircuitBreakers>();
        services.AddTransient<DrsResilienceHandler>();
        client.AddHttpMessageHandler<DrsResilienceHandler>();
        client.AddHttpMessageHandler(sp => sp.GetRequiredService<IOptions<DrsOptions>>().Value.Auth.Mode switch
        {
            DrsAuthMode.Password => sp.GetRequiredService<IamTokenHandler>(),
            DrsAuthMode.AkSk => sp.GetRequiredService<AkSkSigningHandler>(),
            _ => sp.GetRequiredService<StaticTokenHandler>(),
        });

        return services;
    }
}
