using System.ComponentModel.DataAnnotations;

namespace DrsBot.Slack;

/// <summary>The <c>Slack</c> configuration section.</summary>
public sealed class SlackOptions
{
    public const string Section = "Slack";

    /// <summary>Signs every request Slack sends us (Basic Information → Signing Secret).</summary>
    public string SigningSecret { get; set; } = "";

    /// <summary>The bot token (<c>xoxb-…</c>) used for <c>chat.postMessage</c>.</summary>
    public string BotToken { get; set; } = "";

    /// <summary><c>Http</c> (Slack calls DrsBot's Request URLs) or <c>Socket</c> (DrsBot connects out to Slack: no public URL).</summary>
    public SlackMode Mode { get; set; } = SlackMode.Http;

    /// <summary>For <c>Socket</c> mode: an app-level token (<c>xapp-…</c>) with <c>connections:write</c>. A secret.</summary>
    public string AppToken { get; set; } = "";

    public Uri ApiBaseUrl { get; set; } = new("https://slack.com/api/");

    /// <summary>When not empty, only these workspaces (team ids) may use the bot.</summary>
    public string[] AllowedTeamIds { get; set; } = [];

    public SlackRateLimitOptions RateLimit { get; set; } = new();

    /// <summary>False refuses @here, @channel and @everyone as alert mentions (a large channel's on-call etiquette).</summary>
    public bool AllowBroadcastMentions { get; set; } = true;

    public const string SlackResponseUrlPrefix = "https://hooks.slack.com/";

    /// <summary>
    /// The only places a <c>response_url</c> may point to; empty means Slack's own (<see cref="SlackResponseUrlPrefix"/>).
    /// Each must end with "/", so "https://hooks.slack.com" cannot be stretched to "https://hooks.slack.com.evil.example".
    /// </summary>
    public string[] ResponseUrlPrefixes { get; set; } = [];

    public IReadOnlyList<string> EffectiveResponseUrlPrefixes => ResponseUrlPrefixes.Length == 0 ? [SlackResponseUrlPrefix] : ResponseUrlPrefixes;

    /// <summary>
    /// How long a slash command's answer may take before DrsBot acknowledges it ("Fetching…") and answers on
    /// <c>response_url</c>; Slack waits 3 seconds. Unset, <c>Drs:InteractiveBudget</c> (its old name, still read)
    /// or 2 seconds.
    /// </summary>
    public TimeSpan? ReplyBudget { get; set; }

    /// <summary><see cref="ReplyBudget"/>, else <c>Drs:InteractiveBudget</c>, else 2 seconds: worked out where the options are bound.</summary>
    public TimeSpan EffectiveReplyBudget { get; internal set; } = TimeSpan.FromSeconds(2);

    /// <summary>Slack sends a few KB at most; anything larger is refused before it is read in full.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxRequestBytes { get; set; } = 32 * 1024;
}

/// <summary>The <c>Slack:RateLimit</c> section: commands per sliding minute.</summary>
public sealed class SlackRateLimitOptions
{
    public int PerUserPerMinute { get; set; } = 20;

    public int PerTeamPerMinute { get; set; } = 200;
}

/// <summary>How Slack reaches DrsBot.</summary>
public enum SlackMode
{
    /// <summary>Slack calls <c>/slack/commands</c>, <c>/slack/interactions</c> and <c>/slack/events</c>, signed.</summary>
    Http,

    /// <summary>DrsBot holds WebSocket connections to Slack (Socket Mode); nothing inbound is needed.</summary>
    Socket,
}
