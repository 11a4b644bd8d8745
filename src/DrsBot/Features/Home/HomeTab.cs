using System.Collections.Concurrent;
using DrsBot.Features.Digest;
using DrsBot.Features.Notifications;
using DrsBot.Slack;
using DrsBot.Watching;
using static DrsBot.Slack.Mrkdwn;

namespace DrsBot.Features.Home;

/// <summary>
/// The Home tab: what this workspace watches in the channels the person is a member of, grouped by channel, the ones
/// that need attention first. A private channel's watches never reach someone outside it: the channels come from
/// Slack (<c>users.conversations</c> for that person), not from what DrsBot stores. Published at most once per
/// <see cref="MinInterval"/> per person, with the shown view's hash so an older publish never overwrites a newer one.
/// </summary>
public sealed partial class HomeTab(IServiceScopeFactory scopes, FollowUps followUps, DrsProfiles profiles, TimeProvider time, ILogger<HomeTab> logger) : ISlackHome
{
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(10);

    /// <summary>The most channels of one person read from storage for one view.</summary>
    public const int MaxChannels = 100;

    private readonly ConcurrentDictionary<(string Team, string User), DateTimeOffset> _published = new();

    public void Opened(HomeOpened opened)
    {
        var now = time.GetUtcNow();
        var key = (opened.TeamId, opened.UserId);
        if (_published.TryGetValue(key, out var last) && now - last < MinInterval)
        {
            return; // opened again a moment later: the view is still current
        }

        _published[key] = now;
        if (_published.Count > 10_000)
        {
            foreach (var old in _published.Where(p => now - p.Value >= MinInterval).Select(p => p.Key).ToList())
            {
                _published.TryRemove(old, out _);
            }
        }

        followUps.Track(PublishAsync(opened));
    }

    private async Task PublishAsync(HomeOpened opened)
    {
        await Task.Yield();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var slack = scope.ServiceProvider.GetRequiredService<ISlackHomeApi>();
            var store = scope.ServiceProvider.GetRequiredService<IWatchStore>();
            if (await slack.ChannelsOfAsync(opened.UserId, followUps.Aborted) is not { } channels)
            {
                return; // without the person's channels nothing is shown: never more than they may see
            }

            var watched = new List<(string Channel, WatchRecord Record, Subscription Subscription)>();
            foreach (var channel in channels.Distinct().Take(MaxChannels))
            {
                foreach (var record in await store.OfChannelAsync(channel, followUps.Aborted))
                {
                    if (record.Of(opened.TeamId, channel) is { } subscription)
                    {
                        watched.Add((channel, record, subscription));
                    }
                }
            }

            await slack.PublishHomeAsync(opened.UserId, HomeMessages.Render(watched, time.GetUtcNow(), profiles.Several), opened.Hash, followUps.Aborted);
        }
        catch (Exception e) when (!followUps.Aborted.IsCancellationRequested)
        {
            LogFailed(logger, e);
        }
    }

    public void ShowProgress(string teamId, string? enterpriseId, string userId, string triggerId, string value)
    {
        // The value is the one this Home tab published: the channel the entry is listed under, then the comparison.
        if (value.Split('/', 2) is not [var channel, var key] || !Shared.ChannelCommands.IsChannelId(channel) || ComparisonRef.FromKey(key) is not { } comparison)
        {
            LogBadValue(logger);
            return;
        }

        followUps.Track(ShowProgressAsync(new SlashCommand(teamId, channel, "", userId, "/drs-progress", "", null)
        {
            EnterpriseId = enterpriseId,
            FromButton = true,
        }, triggerId, comparison));
    }

    /// <summary>
    /// A modal at once (the trigger lasts 3 seconds, a DRS read may not), then the card in it: the same command as the
    /// Show progress button anywhere else, through the same router, for the channel the entry is listed under.
    /// </summary>
    private async Task ShowProgressAsync(SlashCommand context, string triggerId, ComparisonRef comparison)
    {
        await Task.Yield();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var slack = scope.ServiceProvider.GetRequiredService<ISlackHomeApi>();
            if (await slack.OpenModalAsync(triggerId, HomeMessages.Fetching(comparison), followUps.Aborted) is not { } viewId)
            {
                return; // Slack refused the modal (the trigger expired): nothing to fill
            }

            var card = await scope.ServiceProvider.GetRequiredService<ISlackCommands>()
                .PressAsync(context, Interaction.ShowProgress, comparison.Key);
            await slack.UpdateModalAsync(viewId, HomeMessages.Modal(card), followUps.Aborted);
        }
        catch (Exception e) when (!followUps.Aborted.IsCancellationRequested)
        {
            LogFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish a Home tab")]
    private static partial void LogFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored a Home tab press whose value is not a channel and a comparison")]
    private static partial void LogBadValue(ILogger logger);
}

/// <summary>The Home tab's view, within Slack's 100 blocks.</summary>
public static class HomeMessages
{
    public static HomeView Render(IReadOnlyList<(string Channel, WatchRecord Record, Subscription Subscription)> watched, DateTimeOffset at, bool nameProfiles = false)
    {
        var blocks = new List<Block>
        {
            Blocks.Header("DrsBot"),
            Blocks.Actions(Blocks.Button("Refresh", Interaction.RefreshHome, "home")),
        };
        if (watched.Count == 0)
        {
            blocks.Add(Blocks.Section("No comparison is watched in the channels you are in. In a channel, " +
                                      "`/drs-progress subscribe <job_id> <compare_job_id>` watches one; `/drs-progress <job_id> <compare_job_id>` shows one now."));
            blocks.Add(Blocks.Context($"As of {Date(at)}"));
            return new HomeView(blocks);
        }

        var items = watched
            .Select(w => (w.Channel, w.Record, w.Subscription, Attention: DigestMessages.Attention(w.Record, w.Subscription)))
            .GroupBy(w => w.Channel)
            .OrderByDescending(g => g.Count(w => w.Attention is not null))
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        var attention = watched.Count(w => DigestMessages.Attention(w.Record, w.Subscription) is not null);
        blocks.Add(Blocks.Section($"*{Format.Plural(watched.Count, "comparison")}* watched in your channels" +
                                  (attention > 0 ? $", :rotating_light: {attention} need{(attention == 1 ? "s" : "")} attention" : "")));
        var shown = 0;
        foreach (var channel in items)
        {
            // Each channel: a divider, its name, its comparisons; the tail keeps room for the count and the time.
            if (blocks.Count + 3 > HomeView.MaxBlocks - 2)
            {
                break;
            }

            blocks.Add(Blocks.Divider());
            blocks.Add(Blocks.Section($"*<#{channel.Key}>*"));
            foreach (var w in channel.OrderByDescending(w => w.Attention is not null).ThenBy(w => w.Record.Comparison.Key, StringComparer.Ordinal))
            {
                if (blocks.Count >= HomeView.MaxBlocks - 2)
                {
                    break;
                }

                // Show progress beside the entry: a Home press has no response_url, so the card opens in a modal.
                blocks.Add(Blocks.Section(DigestMessages.Line(w.Record, w.Attention, nameProfiles) + ThreadMessages.OnCallBelow(w.Subscription, at)) with
                {
                    Accessory = Blocks.Button("Show progress", Interaction.ShowProgress, $"{channel.Key}/{w.Record.Comparison.Key}"),
                });
                shown++;
            }
        }

        if (shown < watched.Count)
        {
            blocks.Add(Blocks.Context($"…and {watched.Count - shown} more: `/drs-progress list` in each channel."));
        }

        blocks.Add(Blocks.Context($"As of {Date(at)} · from DrsBot's latest polls · only channels you are a member of"));
        return new HomeView(blocks);
    }

    private const string ModalTitle = "DRS comparison";

    /// <summary>The modal a Home tab's Show progress opens at once, while DRS is asked.</summary>
    public static ModalView Fetching(ComparisonRef comparison) => new(new PlainText(ModalTitle),
        [Blocks.Section($":hourglass_flowing_sand: Fetching progress of comparison {Code(comparison.CompareJobId)} from DRS…")]);

    /// <summary>
    /// The card in the modal. Its action buttons are left out (a modal's press has no message to answer in); the link
    /// to the DRS console stays.
    /// </summary>
    public static ModalView Modal(SlackMessage card)
    {
        var blocks = new List<Block>();
        foreach (var block in card.Blocks ?? [Blocks.Section(Escape(card.Text))])
        {
            if (block is ActionsBlock actions)
            {
                if (actions.Elements.Where(b => b.Url is not null).ToList() is { Count: > 0 } links)
                {
                    blocks.Add(Blocks.Actions(links));
                }

                continue;
            }

            blocks.Add(block);
        }

        return new ModalView(new PlainText(ModalTitle), blocks);
    }
}

public static class HomeFeature
{
    /// <summary>The Home tab: published when a person opens it (<c>app_home_opened</c> at <c>POST /slack/events</c>).</summary>
    public static IServiceCollection AddHome(this IServiceCollection services) =>
        services.AddSingleton<ISlackHome, HomeTab>();
}
