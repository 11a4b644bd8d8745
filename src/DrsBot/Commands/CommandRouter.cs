using DrsBot.Features.Digest;
using DrsBot.Features.Help;
using DrsBot.Features.Jobs;
using DrsBot.Features.Notifications;
using DrsBot.Features.Profiles;
using DrsBot.Features.Progress;
using DrsBot.Features.Subscriptions;
using DrsBot.Features.Tables;
using DrsBot.Infrastructure;
using DrsBot.Slack;
using DrsBot.Watching;
using Microsoft.Extensions.Options;

namespace DrsBot.Commands;

/// <summary>Turns one verified slash command into the reply Slack shows.</summary>
public sealed partial class CommandRouter(
    InteractiveReplies replies,
    ProgressHandler progress,
    JobHandler jobs,
    TablesHandler tables,
    AlertActions alerts,
    SubscriptionCommands subscriptions,
    DigestCommands digests,
    ProfileCommands profileCommands,
    ChannelProfiles channelProfiles,
    DrsProfiles profiles,
    IOptionsMonitor<SlackOptions> slack,
    CommandRateLimiter limiter,
    DrsBotMetrics metrics,
    ILogger<CommandRouter> logger) : ISlackCommands
{
    public Task<SlackMessage> HandleAsync(SlashCommand command) => HandleAsync(command, null);

    /// <summary>A button press, as the command it stands for: typed here, never turned back into text.</summary>
    public Task<SlackMessage> PressAsync(SlashCommand context, string actionId, string? value) =>
        Action(actionId, value) is { } action
            ? HandleAsync(context, action)
            : Task.FromResult(HelpMessages.Invalid("That button does not carry a DRS job and comparison DrsBot can use. Type the command instead."));

    /// <summary>
    /// Checks who may ask and how often, then hands the typed command to the feature that answers it. Text is parsed
    /// here once; a button's command comes typed.
    /// </summary>
    public Task<SlackMessage> HandleAsync(SlashCommand command, Command? typed)
    {
        var allowed = slack.CurrentValue.AllowedTeamIds;
        if (allowed.Length > 0 && !allowed.Contains(command.TeamId, StringComparer.Ordinal))
        {
            LogForeignTeam(logger, command.TeamId);
            metrics.Command("any", "not_allowed");
            return Task.FromResult(HelpMessages.NotAllowedTeam());
        }

        if (!limiter.TryAcquire(command))
        {
            LogRateLimited(logger, command.UserId, command.TeamId);
            metrics.Command("any", "rate_limited");
            return Task.FromResult(HelpMessages.SlowDown());
        }

        // With several DRS profiles, a job id typed without one is in the channel's: read before parsing, and only then.
        return typed is null && profiles.Several
            ? ParseInChannelProfileAsync(command)
            : DispatchAsync(command, typed ?? CommandParser.Parse(command.Text));
    }

    private async Task<SlackMessage> ParseInChannelProfileAsync(SlashCommand command)
    {
        string? channelProfile;
        try
        {
            channelProfile = await channelProfiles.GetAsync(command.TeamId, command.ChannelId);
        }
        catch (WatchStoreUnavailableException e)
        {
            LogStoreUnavailable(logger, e.Message);
            return Features.Shared.ChannelCommands.StorageUnavailable();
        }

        return await DispatchAsync(command, CommandParser.Parse(command.Text, channelProfile));
    }

    private Task<SlackMessage> DispatchAsync(SlashCommand command, Command parsed)
    {
        var (verb, tag) = Verbs.GetOrAdd(parsed.GetType(), static type =>
        {
            var name = type.Name.Replace("Command", "", StringComparison.Ordinal);
            return (name, name.ToLowerInvariant());
        });
        LogCommand(logger, verb, command.UserId, command.ChannelId);
        // A profile this channel may not use (or that does not exist) is refused before any DRS call.
        if (CallsDrsIn(parsed) is var (calls, profile) && calls && profileCommands.Refusal(profile, command.ChannelId) is { } refused)
        {
            metrics.Command(tag, "not_allowed");
            return Task.FromResult(refused);
        }

        metrics.Command(tag, parsed is InvalidCommand ? "invalid" : "accepted");
        return parsed switch
        {
            HelpCommand => Task.FromResult(HelpMessages.Help()),
            InvalidCommand invalid => Task.FromResult(HelpMessages.Invalid(invalid.Problem)),
            ProgressCommand p => replies.WithinBudgetAsync(
                command,
                () => Acknowledge($":hourglass_flowing_sand: Fetching progress of comparison `{p.Comparison.CompareJobId}` from DRS…"),
                ct => progress.ShowAsync(command, p.Comparison, ct)),
            SubscribeCommand s => replies.WithinBudgetAsync(
                command,
                () => Acknowledge($":hourglass_flowing_sand: Checking comparison `{s.Comparison.CompareJobId}` with DRS before subscribing…").AsInChannel(),
                ct => subscriptions.SubscribeAsync(command, s.Comparison, s.Mentions, s.Threaded, ct)),
            JobCommand job => replies.WithinBudgetAsync(
                command,
                () => Acknowledge($":hourglass_flowing_sand: Fetching job `{job.JobId}` and its comparisons from DRS…"),
                ct => jobs.ShowAsync(job.Profile, job.JobId, ct)),
            TablesCommand t => replies.WithinBudgetAsync(
                command,
                () => Acknowledge($":hourglass_flowing_sand: Asking DRS which tables of comparison `{t.Comparison.CompareJobId}` differ…"),
                ct => tables.ShowAsync(t.Comparison, ct)),
            AcknowledgeCommand a => alerts.AcknowledgeAsync(command, a.Comparison, a.AlertId, CancellationToken.None),
            SnoozeCommand z => alerts.SnoozeAsync(command, z.Comparison, z.For, CancellationToken.None),
            UnsnoozeCommand z => alerts.UnsnoozeAsync(command, z.Comparison, CancellationToken.None),
            UnsubscribeCommand u => subscriptions.UnsubscribeAsync(command, u.Comparison),
            ListCommand => subscriptions.ListAsync(command),
            DigestCommand d => replies.WithinBudgetAsync(
                command,
                static () => Acknowledge(":hourglass_flowing_sand: Setting this channel's daily digest…"),
                _ => digests.SetAsync(command, d.At, d.TimeZone)),
            DigestOffCommand => digests.OffAsync(command),
            UseCommand use => profileCommands.UseAsync(command, use.Profile),
            _ => Task.FromResult(HelpMessages.Help()),
        };
    }

    /// <summary>
    /// Whether the command calls DRS, and in which profile (null: the default one). Unsubscribe, snooze and acknowledge
    /// do not: a channel can always stop or quiet what it watches, even in a profile it may no longer use.
    /// </summary>
    private static (bool Calls, string? Profile) CallsDrsIn(Command command) => command switch
    {
        ProgressCommand p => (true, p.Comparison.Profile),
        SubscribeCommand s => (true, s.Comparison.Profile),
        TablesCommand t => (true, t.Comparison.Profile),
        JobCommand j => (true, j.Profile),
        _ => (false, null),
    };

    /// <summary>What a button stands for; null when its value is not a job or comparison DrsBot can use.</summary>
    internal static Command? Action(string actionId, string? value)
    {
        if (actionId == Interaction.RefreshJob)
        {
            return value is null ? null : CommandParser.JobId(value, null) is ({ } job, var profile) ? new JobCommand(job, profile) : null;
        }

        if (actionId == Interaction.Acknowledge)
        {
            return value is { Length: <= 300 } && AlertActions.ComparisonOf(value) is { } alerted ? new AcknowledgeCommand(alerted, value) : null;
        }

        return (value is null ? null : ComparisonRef.FromKey(value)) is not { } c ? null : actionId switch
        {
            Interaction.Subscribe => new SubscribeCommand(c, []),
            Interaction.Unsubscribe => new UnsubscribeCommand(c),
            Interaction.ShowTables => new TablesCommand(c),
            Interaction.Snooze => new SnoozeCommand(c, TimeSpan.FromHours(1)),
            Interaction.Unsnooze => new UnsnoozeCommand(c),
            _ => new ProgressCommand(c),
        };
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, (string Verb, string Tag)> Verbs = new();

    private static SlackMessage Acknowledge(string text) => new(text, [Blocks.Section(text)]);

    // Debug: what a command changes is logged at Information by the feature that changed it (Subscribed…, snoozed…);
    // reads are counted in drsbot_commands_total, so a channel refreshing its cards does not fill the log.
    [LoggerMessage(Level = LogLevel.Debug, Message = "/drs-progress {Verb} from {User} in {Channel}")]
    private static partial void LogCommand(ILogger logger, string verb, string user, string channel);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rate-limited a command from {User} in workspace {Team}")]
    private static partial void LogRateLimited(ILogger logger, string user, string team);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A command could not read its channel's DRS profile: {Reason}")]
    private static partial void LogStoreUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a command from workspace {Team}: not in Slack:AllowedTeamIds")]
    private static partial void LogForeignTeam(ILogger logger, string team);
}
