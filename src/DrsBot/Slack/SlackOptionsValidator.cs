using DrsBot.Infrastructure;



namespace DrsBot.Slack;

internal sealed class SlackOptionsValidator(IHostEnvironment environment) : KeyedOptionsValidator<SlackOptions>
{
    protected override void Check(SlackOptions options, List<string> problems)
    {
        if (options.Mode == SlackMode.Socket)
        {
            // The authenticated socket replaces the signature check; the secret is then only the local console's.
            Require(problems, options.AppToken, "Slack:AppToken");
            if (options.AppToken is { Length: > 0 } token && !token.StartsWith("xapp-", StringComparison.Ordinal))
            {
                problems.Add("Slack:AppToken must be an app-level token (xapp-…) with connections:write, from the app's Basic Information page");
            }
        }
        else
        {
            Require(problems, options.SigningSecret, "Slack:SigningSecret");
        }

        // Development without a bot token posts channel messages to the local console instead (see Demo).
        if (!environment.IsDevelopment())
        {
            Require(problems, options.BotToken, "Slack:BotToken");
            if (options.Mode == SlackMode.Http && options.SigningSecret is { Length: > 0 and < ProductionRules.MinSigningSecretLength })
            {
                problems.Add($"Slack:SigningSecret must be at least {ProductionRules.MinSigningSecretLength} characters outside Development (Slack's are 32): copy it from the app's Basic Information page");
            }

            if (options.ApiBaseUrl.IsAbsoluteUri)
            {
                ProductionRules.RequireSafeEndpoint(problems, options.ApiBaseUrl, "Slack:ApiBaseUrl");
            }
        }

        if (!options.ApiBaseUrl.IsAbsoluteUri || options.ApiBaseUrl.Scheme is not ("https" or "http"))
        {
            problems.Add("Slack:ApiBaseUrl must be an absolute http(s) URL");
        }

        if (options.ReplyBudget is { } budget && (budget <= TimeSpan.Zero || budget > TimeSpan.FromSeconds(2.5)))
        {
            problems.Add("Slack:ReplyBudget must be between 0 and 2.5 seconds (Slack waits 3 seconds)");
        }

        foreach (var prefix in options.ResponseUrlPrefixes)
        {
            if (!Uri.TryCreate(prefix, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || !prefix.EndsWith('/'))
            {
                problems.Add("Slack:ResponseUrlPrefixes must be absolute http(s) URLs ending with '/', e.g. https://hooks.slack.com/");
            }
            else if (!environment.IsDevelopment())
            {
                ProductionRules.RequireSafeEndpoint(problems, uri, "Slack:ResponseUrlPrefixes");
            }
        }

        if (options.RateLimit.PerUserPerMinute < 1 || options.RateLimit.PerTeamPerMinute < options.RateLimit.PerUserPerMinute)
        {
            problems.Add("Slack:RateLimit:PerUserPerMinute must be at least 1, and Slack:RateLimit:PerTeamPerMinute at least as large");
        }

        if (options.MaxRequestBytes is < 1024 or > 1024 * 1024)
        {
            problems.Add("Slack:MaxRequestBytes must be between 1024 and 1048576");
        }
    }
}
