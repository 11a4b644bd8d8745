using DrsBot.Watching;



namespace DrsBot.Features.Notifications;

public static class NotificationsFeature
{
    /// <summary>The channel side of the core's outbox: decisions rendered as messages, threads, and delivery to Slack.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services) => services
        .AddScoped<INotificationDelivery, NotificationDelivery>() // scoped: it holds a typed Slack client
        .AddScoped<AlertActions>(); // Acknowledge, Snooze, Unsnooze
}
