using Microsoft.Extensions.Options;

namespace DrsBot.Slack;

/// <summary>
/// Which <c>response_url</c>s DrsBot may call: only those under <see cref="SlackOptions.ResponseUrlPrefixes"/>
/// (Slack's <c>https://hooks.slack.com/</c> by default). A request signed with a leaked secret could otherwise make
/// DrsBot POST to any address, inside the cluster too. In Development, the local console's loopback URLs also pass.
/// </summary>
public sealed class ResponseUrlPolicy(IOptionsMonitor<SlackOptions> options, IHostEnvironment environment)
{
    public bool IsAllowed(Uri? url) =>
        url is { IsAbsoluteUri: true }
        && url.UserInfo.Length == 0
        && (options.CurrentValue.EffectiveResponseUrlPrefixes.Any(prefix => url.AbsoluteUri.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            || (environment.IsDevelopment() && url.IsLoopback));
}
