using DrsBot.Infrastructure;
using DrsBot.Watching;



namespace DrsBot.Drs;

internal sealed class DrsOptionsValidator(IHostEnvironment environment) : KeyedOptionsValidator<DrsOptions>
{
    protected override void Check(DrsOptions options, List<string> problems)
    {
        CheckProfile(options, ComparisonRef.SettingsSection(null), problems);
        foreach (var (name, profile) in options.Profiles)
        {
            if (name == ComparisonRef.DefaultProfile)
            {
                problems.Add("Drs:Profiles:default is not allowed: the top-level Drs section is the profile default");
            }
            else if (!ComparisonRef.IsValidProfile(name))
            {
                problems.Add($"Drs:Profiles:{Clip(name)} is not a profile name: use 1-{ComparisonRef.MaxProfileLength} of a-z, 0-9 and '-'");
            }
            else
            {
                CheckProfile(profile, ComparisonRef.SettingsSection(name), problems);
            }
        }

        if (options.InteractiveBudget <= TimeSpan.Zero || options.InteractiveBudget > TimeSpan.FromSeconds(2.5))
        {
            problems.Add("Drs:InteractiveBudget must be between 0 and 2.5 seconds (Slack waits 3 seconds)");
        }

        if (options.BackgroundTimeout < TimeSpan.FromSeconds(1))
        {
            problems.Add("Drs:BackgroundTimeout must be at least 1 second");
        }

        foreach (var (key, value) in (ReadOnlySpan<(string, TimeSpan)>)[
                     ("Drs:InteractiveTimeout", options.InteractiveTimeout),
                     ("Drs:InteractiveAttemptTimeout", options.InteractiveAttemptTimeout),
                     ("Drs:BackgroundAttemptTimeout", options.BackgroundAttemptTimeout)])
        {
            if (value < TimeSpan.FromMilliseconds(10) || value > TimeSpan.FromHours(1))
            {
                problems.Add($"{key} must be between 10 milliseconds and 1 hour");
            }
        }
    }

    /// <summary>One profile's settings; every problem names its key under <paramref name="prefix"/>.</summary>
    private void CheckProfile(DrsProfileOptions options, string prefix, List<string> problems)
    {
        if (!environment.IsDevelopment())
        {
            ProductionRules.RequireSafeEndpoint(problems, options.ResolvedEndpoint, $"{prefix}:Endpoint");
            if (options.Auth.Mode == DrsAuthMode.Password)
            {
                ProductionRules.RequireSafeEndpoint(problems, options.ResolvedIamEndpoint, $"{prefix}:Auth:IamEndpoint");
            }
        }

        if (options.ResolvedEndpoint is null)
        {
            problems.Add($"{prefix}:Endpoint or {prefix}:Region is required");
        }
        else if (options.ResolvedEndpoint.Scheme is not ("https" or "http"))
        {
            problems.Add($"{prefix}:Endpoint must be an absolute http(s) URL");
        }

        if (!string.IsNullOrWhiteSpace(options.Region) && !IsRegionName(options.Region))
        {
            problems.Add($"{prefix}:Region must look like ap-southeast-1");
        }

        if (!string.IsNullOrWhiteSpace(options.ConsoleUrl) && options.ConsoleLink("job") is null)
        {
            problems.Add($"{prefix}:ConsoleUrl must be an https URL; it may use {{region}}, {{project_id}} and {{job_id}}");
        }

        Require(problems, options.ProjectId, $"{prefix}:ProjectId");
        if (!string.IsNullOrEmpty(options.ProjectId) && !ComparisonRef.IsValidId(options.ProjectId))
        {
            problems.Add($"{prefix}:ProjectId must be letters, digits, '-' or '_'");
        }

        if (options.Language is not ("en-us" or "zh-cn"))
        {
            problems.Add($"{prefix}:Language must be en-us or zh-cn");
        }

        CheckAuth(options.Auth, $"{prefix}:Auth", problems);
    }

    private static string Clip(string name) => name.Length <= 40 ? name : name[..40] + "…";

    private static void CheckAuth(DrsAuthOptions auth, string prefix, List<string> problems)
    {
        switch (auth.Mode)
        {
            case DrsAuthMode.Token:
                Require(problems, auth.Token, $"{prefix}:Token");
                break;
            case DrsAuthMode.Password:
                Require(problems, auth.DomainName, $"{prefix}:DomainName");
                Require(problems, auth.UserName, $"{prefix}:UserName");
                Require(problems, auth.Password, $"{prefix}:Password");
                break;
            case DrsAuthMode.AkSk:
                Require(problems, auth.AccessKey, $"{prefix}:AccessKey");
                Require(problems, auth.SecretKey, $"{prefix}:SecretKey");
                break;
            default:
                problems.Add($"{prefix}:Mode must be Token, Password or AkSk");
                break;
        }
    }

    private static bool IsRegionName(string region) =>
        region.Length is > 0 and <= 40 && region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
