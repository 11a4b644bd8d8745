using DrsBot.Slack;



namespace DrsBot.Commands;

public static class CommandsServiceCollectionExtensions
{
    /// <summary>The /drs-progress grammar and its router, which answers the Slack edge's commands and button presses.</summary>
    public static IServiceCollection AddCommands(this IServiceCollection services)
    {
        services.AddScoped<CommandRouter>(); // per request, like the feature handlers it calls
        services.AddScoped<ISlackCommands>(sp => sp.GetRequiredService<CommandRouter>());
        return services;
    }
}
