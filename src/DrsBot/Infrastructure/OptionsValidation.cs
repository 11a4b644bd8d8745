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

/// <summary>What a deployment outside Development may talk to: HTTPS, or plain HTTP to this machine only.</summary>
public static class ProductionRules
{
    public const int MinSigningSecretLength = 32;

    /// <summary>
    /// Plain http would send tokens, signatures and AK/SK-signed requests in the clear; loopback stays allowed
    /// for a sidecar proxy and for tests.
    /// </summary>
    public static bool IsSafeEndpoint(Uri uri) =>
        uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback);

    public static void RequireSafeEndpoint(List<string> problems, Uri? uri, string key)
    {
        if (uri is { IsAbsoluteUri: true } && !IsSafeEndpoint(uri))
        {
            problems.Add($"{key} must use https outside Development (plain http is allowed only to localhost)");
        }
    }
}
