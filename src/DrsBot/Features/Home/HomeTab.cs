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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish a Home tab")]
    private static partial void LogFailed(ILogger logger, Exception e);
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

                blocks.Add(Blocks.Section(DigestMessages.Line(w.Record, w.Attention, nameProfiles) + ThreadMessages.OnCallBelow(w.Subscription, at)));
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
}

public static class HomeFeature
{
    /// <summary>The Home tab: published when a person opens it (<c>app_home_opened</c> at <c>POST /slack/events</c>).</summary>
    public static IServiceCollection AddHome(this IServiceCollection services) =>
        services.AddSingleton<ISlackHome, HomeTab>();
}
