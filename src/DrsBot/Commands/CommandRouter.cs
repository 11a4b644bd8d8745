using DrsBot.Drs;
using DrsBot.Infrastructure;
using DrsBot.Rendering;
using DrsBot.Slack;
using DrsBot.Watching;
using Microsoft.Extensions.Options;

namespace DrsBot.Commands;

/// <summary>Turns one verified slash command into the reply Slack shows.</summary>
public sealed partial class CommandRouter(
    IDrsClient drs,
    InteractiveReplies replies,
    SubscriptionCommands subscriptions,
    IWatchStore store,
    IOptionsMonitor<SlackOptions> slack,
    IOptions<DrsOptions> drsOptions,
    CommandRateLimiter limiter,
    DrsBotMetrics metrics,
    TimeProvider time,
    ILogger<CommandRouter> logger)
{
    /// <summary>A typed slash command: its text is parsed once, here.</summary>
    public Task<SlackMessage> HandleAsync(SlashCommand command) => HandleAsync(command, null);

    /// <summary>
    /// An action already typed (a button carries one): the same checks, limits and handlers as a typed command, with no
    /// text in between. <paramref name="command"/> says who asked, where, and where to answer.
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

        var parsed = typed ?? CommandParser.Parse(command.Text);
        var (verb, tag) = Verbs.GetOrAdd(parsed.GetType(), static type =>
        {
            var name = type.Name.Replace("Command", "", StringComparison.Ordinal);
            return (name, name.ToLowerInvariant());
        });
        LogCommand(logger, verb, command.UserId, command.ChannelId);
        metrics.Command(tag, parsed is InvalidCommand ? "invalid" : "accepted");
        return parsed switch
        {
            HelpCommand => Task.FromResult(HelpMessages.Help()),
            InvalidCommand invalid => Task.FromResult(HelpMessages.Invalid(invalid.Problem)),
            ProgressCommand progress => replies.WithinBudgetAsync(
                command,
                () => Acknowledge($":hourglass_flowing_sand: Fetching progress of comparison `{progress.Comparison.CompareJobId}` from DRS…"),
                ct => ShowProgressAsync(command, progress.Comparison, ct)),
            SubscribeCommand subscribe => replies.WithinBudgetAsync(
                command,
                () => Acknowledge($":hourglass_flowing_sand: Checking comparison `{subscribe.Comparison.CompareJobId}` with DRS before subscribing…").AsInChannel(),
                ct => subscriptions.SubscribeAsync(command, subscribe, ct)),
            JobCommand job => replies.WithinBudgetAsync(
                command,
                () => Acknowledge($":hourglass_flowing_sand: Fetching job `{job.JobId}` and its comparisons from DRS…"),
                ct => ShowJobAsync(job.JobId, ct)),
            UnsubscribeCommand unsubscribe => subscriptions.UnsubscribeAsync(command, unsubscribe),
            ListCommand => subscriptions.ListAsync(command),
            DigestCommand digest => replies.WithinBudgetAsync(
                command,
                static () => Acknowledge(":hourglass_flowing_sand: Setting this channel's daily digest…"),
                _ => subscriptions.DigestAsync(command, digest)),
            DigestOffCommand => subscriptions.DigestOffAsync(command),
            _ => Task.FromResult(HelpMessages.Help()),
        };
    }

    /// <summary>Each command type's name for the log and tag for the metric, worked out once, not per command.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, (string Verb, string Tag)> Verbs = new();

    private async Task<SlackMessage> ShowProgressAsync(SlashCommand command, ComparisonRef comparison, CancellationToken ct)
    {
        var result = await drs.GetCompareProgressAsync(comparison, DrsCallKind.Interactive, ct);
        var now = time.GetUtcNow();
        if (result is not ProgressRead read)
        {
            return FailureMessages.Render(comparison, ((ProgressFailed)result).Failure, now);
        }

        var (subscribed, eta) = await WhatStorageKnowsAsync(command, comparison, read.Progress, now, ct);
        return ProgressMessages.Render(comparison, read.Progress, now,
            ProgressMessages.Buttons(comparison, subscribed, drsOptions.Value.ConsoleLink(comparison.JobId)), eta);
    }

    private async Task<SlackMessage> ShowJobAsync(string jobId, CancellationToken ct)
    {
        var view = await drs.GetJobAsync(jobId, ct);
        return JobMessages.Render(view, time.GetUtcNow(), drsOptions.Value.ConsoleLink(jobId));
    }

    /// <summary>How long a comparison's question-time readings are kept for the next question's ETA.</summary>
    public static readonly TimeSpan KeepPaceFor = TimeSpan.FromHours(1);

    /// <summary>
    /// Whether this channel watches the comparison (for the Subscribe/Unsubscribe button), and the ETA from the
    /// readings DrsBot already has plus this one. A watched comparison's readings come from its polls; any other's
    /// are kept for an hour, a reading at most every 20 s (<see cref="PaceHistory.Supersedes"/>). Without storage: not subscribed, no ETA, the card still shows.
    /// Internal for the allocation benchmark, which times this code rather than a copy of it.
    /// </summary>
    internal async Task<(bool Subscribed, TimeSpan? Eta)> WhatStorageKnowsAsync(
        SlashCommand command, ComparisonRef comparison, CompareProgress progress, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            var record = await store.GetAsync(comparison, ct);
            var subscribed = record?.Of(command.TeamId, command.ChannelId) is not null;
            if (progress.Full?.Progress is not { } full)
            {
                return (subscribed, null);
            }

            var kept = record?.Pace ?? await store.GetPaceAsync(comparison, now, ct);
            var pace = (kept ?? PaceHistory.Empty).Add(now, full);
            if (record is null && pace.Supersedes(kept))
            {
                await store.SavePaceAsync(comparison, pace, now + KeepPaceFor, ct);
            }

            return (subscribed, pace.Eta());
        }
        catch (WatchStoreUnavailableException)
        {
            return (false, null);
        }
    }

    private static SlackMessage Acknowledge(string text) => new(text, [Blocks.Section(text)]);

    [LoggerMessage(Level = LogLevel.Information, Message = "/drs-progress {Verb} from {User} in {Channel}")]
    private static partial void LogCommand(ILogger logger, string verb, string user, string channel);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rate-limited a command from {User} in workspace {Team}")]
    private static partial void LogRateLimited(ILogger logger, string user, string team);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a command from workspace {Team}: not in Slack:AllowedTeamIds")]
    private static partial void LogForeignTeam(ILogger logger, string team);
}
