using Microsoft.Extensions.Options;

namespace DrsBot.Infrastructure;

/// <summary>
/// Options validation that speaks in configuration keys ("Slack:SigningSecret is required"), so a bad
/// deployment fails at start-up with a message that says exactly what to set.
/// </summary>
public abstract class KeyedOptionsValidator<T> : IValidateOptions<T> where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var problems = new List<string>();
        Check(options, problems);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    protected abstract void Check(T options, List<string> problems);

    protected static void Require(List<string> problems, string? value, string key)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{key} is required");
        }
    }
}
