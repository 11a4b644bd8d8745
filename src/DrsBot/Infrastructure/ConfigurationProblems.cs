using Microsoft.Extensions.Options;

namespace DrsBot.Infrastructure;

/// <summary>Turns a failed start-up caused by settings into a short list a person can act on.</summary>
public static class ConfigurationProblems
{
    public static IReadOnlyList<string> From(Exception error) => error switch
    {
        OptionsValidationException invalid => [.. invalid.Failures.SelectMany(f => f.Split("; "))],
        AggregateException many => [.. many.InnerExceptions.SelectMany(From)],
        InvalidOperationException { Message: var m } when m.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) => [m],
        { InnerException: { } inner } => From(inner),
        _ => [],
    };

    /// <summary>
    /// True when DrsBot is the process itself. Hosted inside another program (the test host's
    /// WebApplicationFactory), the exception must travel on to that host instead of ending here.
    /// </summary>
    public static bool OwnsProcess => System.Reflection.Assembly.GetEntryAssembly() == typeof(ConfigurationProblems).Assembly;

    public static int Report(IReadOnlyList<string> problems)
    {
        Console.Error.WriteLine();
        Console.Error.WriteLine("DrsBot cannot start: its configuration is incomplete.");
        foreach (var problem in problems)
        {
            Console.Error.WriteLine($"  - {problem}");
        }

        Console.Error.WriteLine("Set these in appsettings.json or as environment variables (Section__Key, e.g. Slack__SigningSecret).");
        Console.Error.WriteLine("Every option is listed in appsettings.example.json and in the README's Configuration section.");
        return 1;
    }
}
