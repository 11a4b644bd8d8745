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

    /// <summary>
    /// Runs every <c>ValidateOnStart</c> check now, before the pipeline is built: building it reads settings (the
    /// dashboard's), and the host logs a failed start as an Error with the whole stack trace before Program sees it.
    /// Hosted by a test, nothing is checked early: the host reports the problems as it always has.
    /// </summary>
    public static IReadOnlyList<string> Check(IServiceProvider services)
    {
        if (!OwnsProcess)
        {
            return [];
        }

        try
        {
            services.GetService<IStartupValidator>()?.Validate();
            return [];
        }
        catch (Exception e) when (From(e) is { Count: > 0 } problems)
        {
            return problems;
        }
    }

    public static int Report(IReadOnlyList<string> problems)
    {
        Console.Error.WriteLine();
        Console.Error.WriteLine("DrsBot cannot start: its configuration is incomplete.");
        foreach (var problem in problems)
        {
            Console.Error.WriteLine($"  - {problem}");
        }

        Console.Error.WriteLine("Set these in appsettings.json or as environment variables (Section__Key, e.g. Slack__SigningSecret).");
        Console.Error.WriteLine("Every option is listed in appsettings.example.json and in docs/configuration.md.");
        return 1;
    }
}
