namespace DrsBot.Features.Subscriptions;

public static class SubscriptionsFeature
{
    /// <summary>subscribe, unsubscribe and list.</summary>
    public static IServiceCollection AddSubscriptions(this IServiceCollection services) =>
        services.AddScoped<SubscriptionCommands>();
}
