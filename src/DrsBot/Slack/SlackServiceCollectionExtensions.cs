using DrsBot.Infrastructure;
using Microsoft.Extensions.Options;

namespace DrsBot.Slack;

public static class SlackServiceCollectionExtensions
{
    /// <summary>The Slack edge: options, request verification, replies within 3 seconds, the Web API client; Slack's resilience for both clients is <see cref="SlackResilience"/>.</summary>
    public static IServiceCollection AddSlack(this IServiceCollection services)
    {
        services.AddOptions<SlackOptions>().BindConfiguration(SlackOptions.Section).ValidateOnStart()
            .PostConfigure<IConfiguration>((slack, configuration) => slack.EffectiveReplyBudget =
                slack.ReplyBudget ?? configuration.GetValue<TimeSpan?>("Drs:InteractiveBudget") ?? slack.EffectiveReplyBudget);
        services.AddSingleton<IValidateOptions<SlackOptions>, SlackOptionsValidator>();
        services.AddSingleton<SlackRequestVerification>();
        services.AddSingleton<SlackRefusalLog>();

        // No HttpClient loggers (see ServiceDefaults): a response_url is itself a credential for its conversation.
        // Redirects are not followed: an allowed URL must not bounce the post to one that is not.
        services.AddSingleton<ResponseUrlPolicy>();
        services.AddSingleton<CommandRateLimiter>();
        services.AddSingleton<SlackDeliveryHealth>();
        services.AddSingleton<InteractionHandler>();
        services.AddHttpClient(ResponseUrlClient.HttpClientName, http =>
            {
                http.Timeout = TimeSpan.FromSeconds(30); // the body too: a stalled answer ends here
                http.MaxResponseContentBufferSize = ResponseUrlClient.MaxBodyBytes;
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            .AddResilienceHandler("response-url", SlackResilience.Configure); // as chat.postMessage: never repeated once sent
        services.AddHttpClient<IChannelPoster, SlackWebApiClient>((sp, http) =>
            {
                http.BaseAddress = sp.GetRequiredService<IOptions<SlackOptions>>().Value.ApiBaseUrl.AsBaseAddress();
                // The whole call, body included: the pipeline's timeouts end when the headers arrive, and a Slack that
                // stalled mid-body held a poll (and with it the replica's poll loop) for good.
                http.Timeout = SlackResilience.TotalTimeout;
                http.MaxResponseContentBufferSize = SlackWebApiClient.MaxBodyBytes;
            })
            .AddResilienceHandler("slack", SlackResilience.Configure);
        // The same typed client answers the Home tab's Web API calls (users.conversations, views.publish).
        // (The local console posts channel messages without Slack; it has no Home tab to publish.)
        services.AddTransient<ISlackHomeApi>(sp => sp.GetRequiredService<IChannelPoster>() as ISlackHomeApi ?? NoHomeTab.Instance);
        services.AddSingleton<ResponseUrlClient>(); // a client from the factory per post: its handler still rotates
        // Socket Mode (Slack:Mode = Socket): idle in HTTP mode; its check is ready in HTTP mode and while a socket is open.
        services.AddHttpClient(Socket.SocketModeClient.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.AddSingleton<Socket.SocketModeClient>();
        services.AddHostedService(sp => sp.GetRequiredService<Socket.SocketModeClient>());
        services.AddHealthChecks().AddCheck<Socket.SocketModeClient>("slack-socket", tags: ["ready"]);
        services.AddSingleton<InteractiveReplies>();
        services.AddSingleton<FollowUps>();
        services.AddHostedService(sp => sp.GetRequiredService<FollowUps>());
        return services;
    }
}
