namespace DrsBot.Commands;

public static class CommandsServiceCollectionExtensions
{
    public static IServiceCollection AddCommands(this IServiceCollection services) =>
        services.AddSingleton<CommandRouter>();
}
