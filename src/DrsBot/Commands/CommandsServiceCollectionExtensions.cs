using DrsBot.Digest;

namespace DrsBot.Commands;

public static class CommandsServiceCollectionExtensions
{
    public static IServiceCollection AddCommands(this IServiceCollection services)
    {
        services.AddScoped<CommandRouter>(); // per request: it holds typed clients
        services.AddSingleton<DigestSchedule>();
        services.AddTransient<DigestJob>();
        return services;
    }
}
