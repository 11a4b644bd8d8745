using System.Collections.Immutable;
using DrsBot.Drs;
using DrsBot.Features.Digest;
using DrsBot.Features.Profiles;
using DrsBot.Features.Progress;
using DrsBot.Features.Shared;
using DrsBot.Slack;
using DrsBot.Watching;
using Microsoft.Extensions.Options;
using static DrsBot.Features.Shared.ChannelCommands;

namespace DrsBot.Features.Subscriptions;

/// <summary>subscribe, unsubscribe and list: the only places that change what a channel watches.</summary>
public sealed partial class SubscriptionCommands(
    IDrsClient drs,
    IWatchStore store,
    DigestSchedule digests,
    DrsCallBudgets budgets,
    DrsProfiles profiles,
    ChannelProfiles channelProfiles,
    IOptionsMonitor<SlackOptions> slack,
    IOptions<WatchOptions> watch,
    ILogger<SubscriptionCommands> logger)
{
    public async Task<SlackMessage> SubscribeAsync(
        SlashCommand command, ComparisonRef comparison, IReadOnlyList<string> mentionsAsked, bool threaded, CancellationToken ct)
    {
        if (!IsChannelId(command.ChannelId))
        {
            return NoChannel();
        }

        if (!slack.CurrentValue.AllowBroadcastMentions && mentionsAsked.Any(Mentions.IsBroadcast))
        {
            return SubscriptionMessages.BroadcastNotAllowed();
        }

        return await GuardAsync(async () =>
        {
            if (await CapReachedAsync(command, comparison) is { } capped)
            {
                return capped;
            }

            // Subscribing checks with DRS first: a typo should fail now, not as "comparison gone" a minute later.
            // With it, once per watch, whether it compares rows or values: a recheck alert's tables are then one call.
            var known = (await store.GetAsync(comparison, ct))?.TablesKind;
            var kindCall = known is null ? drs.GetTablesKindAsync(comparison, ct) : Task.FromResult<string?>(known);
            var result = await drs.GetCompareProgressAsync(comparison, DrsCallKind.Interactive, ct);
            var kind = await kindCall;
            var now = store.Clock.GetUtcNow();
            if (result is ProgressFailed failed)
            {
                var refusal = FailureMessages.Render(comparison, failed.Failure, now, profiles.Label(comparison));
                return refusal with { Text = "Not subscribed. " + refusal.Text };
            }

            var progress = ((ProgressRead)result).Progress;
            var mentions = mentionsAsked.ToImmutableArray();
            Subscription? existing = null;
            await store.UpdateAsync(comparison, record =>
            {
                record ??= new WatchRecord(comparison, now);
                existing = record.Of(command.TeamId, command.ChannelId);
                var subscription = existing is { IsPaused: false }
                    ? (existing.Mentions.SequenceEqual(mentions)
                        ? existing
                        : existing with { Mentions = mentions, MentionsChangedBy = command.UserId, MentionsChangedAt = now }) with { Flat = !threaded }
                    : new Subscription(comparison, command.ChannelId, mentions, command.UserId, now, RuleState.Baseline(progress))
                    {
                        TeamId = command.TeamId,
                        EnterpriseId = command.EnterpriseId,
                        Flat = !threaded,
                    };
                // DRS just answered, so whatever an earlier "gone" said no longer holds.
                return record.With(subscription).Read(progress, now) with { GoneAt = null, TablesKind = record.TablesKind ?? kind };
            }, ct);
            LogSubscribed(logger, comparison.Key, command.ChannelId, existing is not null);
            return SubscriptionMessages.Subscribed(command.UserId, comparison, mentions, existing is { IsPaused: false }, progress, now, profiles.Label(comparison));
        });
    }

    public Task<SlackMessage> UnsubscribeAsync(SlashCommand command, ComparisonRef comparison)
    {
        if (!IsChannelId(command.ChannelId))
        {
            return Task.FromResult(NoChannel());
        }

        return GuardAsync(async () =>
        {
            var found = false;
            await store.UpdateAsync(comparison, record =>
            {
                found = record?.Of(command.TeamId, command.ChannelId) is not null;
                return record?.Without(command.TeamId, command.ChannelId);
            });
            if (!found)
            {
                return SubscriptionMessages.NotSubscribed(comparison);
            }

            LogUnsubscribed(logger, comparison.Key, command.ChannelId);
            return SubscriptionMessages.Unsubscribed(command.UserId, comparison);
        });
    }

    public Task<SlackMessage> ListAsync(SlashCommand command)
    {
        if (!IsChannelId(command.ChannelId))
        {
            return Task.FromResult(NoChannel());
        }

        return GuardAsync(async () =>
        {
            // The same channel id from another workspace is another channel: it sees and changes nothing here.
            var records = await store.OfChannelAsync(command.ChannelId);
            var digest = await DigestOrNullAsync(command);
            var items = records
                .Select(r => (Subscription: r.Of(command.TeamId, command.ChannelId), Watch: r))
                .Where(x => x.Subscription is not null)
                .Select(x => (x.Subscription!, (WatchRecord?)x.Watch)).ToList();
            // The budget, not the setting, decides how fresh the news is in a profile whose polls are stretched.
            var stretched = items.Select(i => i.Item1.Comparison.ProfileName).Distinct()
                .Select(budgets.For).Where(b => b.Stretched).ToDictionary(b => b.Profile, b => b.Interval);
            var channelProfile = profiles.Several
                ? await channelProfiles.GetAsync(command.TeamId, command.ChannelId) ?? ComparisonRef.DefaultProfile
                : null;
            return SubscriptionMessages.List(items, digest, stretched, channelProfile);
        });
    }

    /// <summary>The channel's digest for list; the watches are still listed when Hangfire's storage does not answer.</summary>
    private async Task<DigestSetting?> DigestOrNullAsync(SlashCommand command)
    {
        try
        {
            return await Task.Run(() => digests.Get(command.TeamId, command.ChannelId));
        }
        catch (WatchStoreUnavailableException e)
        {
            LogStoreUnavailable(logger, e.Message);
            return null;
        }
    }

    /// <summary>
    /// A refusal when this would be the channel's or the workspace's subscription beyond the caps. Changing an
    /// existing subscription is always allowed. Checked before DRS is asked; two racing subscribes may pass one over.
    /// </summary>
    private async Task<SlackMessage?> CapReachedAsync(SlashCommand command, ComparisonRef comparison)
    {
        var limits = watch.Value;
        var inChannel = (await store.OfChannelAsync(command.ChannelId))
            .Where(r => r.Of(command.TeamId, command.ChannelId) is not null)
            .Select(r => r.Comparison)
            .ToList();
        if (inChannel.Contains(comparison))
        {
            return null;
        }

        if (inChannel.Count >= limits.MaxSubscriptionsPerChannel)
        {
            return SubscriptionMessages.TooMany("this channel", limits.MaxSubscriptionsPerChannel, "Watch:MaxSubscriptionsPerChannel");
        }

        return await store.CountSubscriptionsAsync(command.TeamId) >= limits.MaxSubscriptionsPerTeam
            ? SubscriptionMessages.TooMany("this workspace", limits.MaxSubscriptionsPerTeam, "Watch:MaxSubscriptionsPerTeam")
            : null;
    }

    private Task<SlackMessage> GuardAsync(Func<Task<SlackMessage>> work) =>
        ChannelCommands.GuardAsync(work, reason => LogStoreUnavailable(logger, reason));

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscribed {Channel} to {Comparison} (update: {Update})")]
    private static partial void LogSubscribed(ILogger logger, string comparison, string channel, bool update);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unsubscribed {Channel} from {Comparison}")]
    private static partial void LogUnsubscribed(ILogger logger, string comparison, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A subscription command found the storage unavailable: {Reason}")]
    private static partial void LogStoreUnavailable(ILogger logger, string reason);
}
