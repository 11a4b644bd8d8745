using DrsBot.Infrastructure;
using DrsBot.Watching;



namespace DrsBot.Drs;

internal sealed class DrsOptionsValidator(IHostEnvironment environment) : KeyedOptionsValidator<DrsOptions>
{
    protected override void Check(DrsOptions options, List<string> problems)
    {
        if (!environment.IsDevelopment())
        {
            ProductionRules.RequireSafeEndpoint(problems, options.ResolvedEndpoint, "Drs:Endpoint");
            if (options.Auth.Mode == DrsAuthMode.Password)
            {
                ProductionRules.RequireSafeEndpoint(problems, options.ResolvedIamEndpoint, "Drs:Auth:IamEndpoint");
            }
        }

        if (options.ResolvedEndpoint is null)
        {
            problems.Add("Drs:Endpoint or Drs:Region is required");
        }
        else if (options.ResolvedEndpoint.Scheme is not ("https" or "http"))
        {
            problems.Add("Drs:Endpoint must be an absolute http(s) URL");
        }

        if (!string.IsNullOrWhiteSpace(options.Region) && !IsRegionName(options.Region))
        {
            problems.Add("Drs:Region must look like ap-southeast-1");
        }

        if (!string.IsNullOrWhiteSpace(options.ConsoleUrl) && options.ConsoleLink("job") is null)
        {
            problems.Add("Drs:ConsoleUrl must be an https URL; it may use {region}, {project_id} and {job_id}");
        }

        Require(problems, options.ProjectId, "Drs:ProjectId");
        if (!string.IsNullOrEmpty(options.ProjectId) && !ComparisonRef.IsValidId(options.ProjectId))
        {
            problems.Add("Drs:ProjectId must be letters, digits, '-' or '_'");
        }

        if (options.Language is not ("en-us" or "zh-cn"))
        {
            problems.Add("Drs:Language must be en-us or zh-cn");
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

        CheckAuth(options.Auth, problems);
    }

    private static void CheckAuth(DrsAuthOptions auth, List<string> problems)
    {
        switch (auth.Mode)
        {
            case DrsAuthMode.Token:
                Require(problems, auth.Token, "Drs:Auth:Token");
                break;
            case DrsAuthMode.Password:
                Require(problems, auth.DomainName, "Drs:Auth:DomainName");
                Require(problems, auth.UserName, "Drs:Auth:UserName");
                Require(problems, auth.Password, "Drs:Auth:Password");
                break;
            case DrsAuthMode.AkSk:
                Require(problems, auth.AccessKey, "Drs:Auth:AccessKey");
                Require(problems, auth.SecretKey, "Drs:Auth:SecretKey");
                break;
            default:
                problems.Add("Drs:Auth:Mode must be Token, Password or AkSk");
                break;
        }
    }

    private static bool IsRegionName(string region) =>
        region.Length is > 0 and <= 40 && region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
