using DrsBot.Drs.Auth;
using DrsBot.Infrastructure;
using DrsBot.Watching;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace DrsBot.Drs;

public static class DrsServiceCollectionExtensions
{
    /// <summary>The DRS edge: validated options, the typed client, its auth and resilience.</summary>
    public static IServiceCollection AddDrs(this IServiceCollection services)
    {
        services.AddOptions<DrsOptions>().BindConfiguration(DrsOptions.Section).ValidateOnStart();
        services.AddDrsCallBudget();
        services.AddSingleton<IValidateOptions<DrsOptions>, DrsOptionsValidator>();
        services.AddTransient<StaticTokenHandler>();
        services.AddTransient<IamTokenHandler>();
        services.AddTransient<AkSkSigningHandler>();
        services.AddSingleton<DrsProfileSet>();
        services.AddSingleton<IamTokenProviders>(); // one provider per profile: its cached token serves all its calls
        services.AddHttpClient(IamTokenProvider.HttpClientName, http =>
            {
                http.Timeout = TimeSpan.FromSeconds(10); // each profile's IAM address is written in full
                http.MaxResponseContentBufferSize = DrsClient.MaxBodyBytes;
            })
            .ConfigurePrimaryHttpMessageHandler(NoRedirects) // a 307 would carry the password to its Location
            .AddIamResilience();

        var client = services.AddHttpClient<IDrsClient, DrsClient>(DrsClient.HttpClientName);
        // DRS's address worked out once, when the client's settings are first built, not for every client handed out:
        // with Drs:Region that was two Uris made and parsed for every command.
        services.AddOptions<HttpClientFactoryOptions>(client.Name).Configure<IOptions<DrsOptions>>((factory, drs) =>
        {
            var address = drs.Value.ResolvedEndpoint!.AsBaseAddress();
            factory.HttpClientActions.Add(http =>
            {
                http.BaseAddress = address;
                http.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline owns timeouts
                http.MaxResponseContentBufferSize = DrsClient.MaxBodyBytes;
            });
        });

        // One DRS client per request or job scope, shared by everything in it: the router and the subscription commands
        // each made their own (an HttpClient and its cancellation source apiece). Still never held by a singleton, so
        // HttpClientFactory rotates its handlers as it should.
        services.Replace(ServiceDescriptor.Scoped<IDrsClient>(sp => sp.GetRequiredService<ITypedHttpClientFactory<DrsClient>>()
            .CreateClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(client.Name))));

        services.AddScoped<IProgressSource>(sp => sp.GetRequiredService<IDrsClient>()); // the core's port, this edge's client
        client.ConfigurePrimaryHttpMessageHandler(NoRedirects); // a redirect is a wrong Drs:Endpoint, never followed

        // Handlers run in the order added: resilience outside, so every retry is authenticated afresh. Each profile
        // signs in its own way: each of the three handlers serves the requests of profiles in its mode and passes on
        // the others untouched.
        client.AddDrsResilience();
        client.AddHttpMessageHandler<StaticTokenHandler>();
        client.AddHttpMessageHandler<IamTokenHandler>();
        client.AddHttpMessageHandler<AkSkSigningHandler>();

        return services;
    }

    private static SocketsHttpHandler NoRedirects() => new() { AllowAutoRedirect = false };
}
