using DrsBot.Infrastructure;



namespace DrsBot.Slack;

/// <summary>
/// Turns a button press into the command it stands for and answers through <c>response_url</c>: Refresh (of a card or
/// a job view) replaces it in place; Show progress, Subscribe and Unsubscribe answer exactly as the typed commands do. The press is acknowledged
/// at once (Slack's 3 seconds); the work runs after, tracked so a deploy does not swallow it. The command goes
/// through the same router, so workspace checks, rate limits and id rules all apply.
/// </summary>
public sealed partial class InteractionHandler(
    IServiceScopeFactory scopes, FollowUps followUps, ResponseUrlPolicy policy, ILogger<InteractionHandler> logger, ISlackHome? home = null)
{
    /// <summary>Starts the press's answer in the background; <paramref name="requestId"/> goes into its log lines' scope.</summary>
    public void Accept(Interaction interaction, string requestId)
    {
        if (interaction.ActionId == Interaction.OpenConsole)
        {
            return; // the browser opened the link; Slack only tells us it was clicked
        }

        if (interaction is { ActionId: Interaction.ShowProgress, FromHome: true, TriggerId: { } trigger, TeamId.Length: > 0, UserId.Length: > 0 })
        {
            home?.ShowProgress(interaction.TeamId, interaction.EnterpriseId, interaction.UserId, trigger, interaction.Value);
            return;
        }

        if (interaction.ActionId == Interaction.RefreshHome)
        {
            if (interaction is { TeamId.Length: > 0, UserId.Length: > 0 })
            {
                home?.Opened(new HomeOpened(interaction.TeamId, interaction.UserId, null));
            }

            return;
        }

        if (interaction.ActionId is not (Interaction.Refresh or Interaction.ShowProgress or Interaction.RefreshJob
            or Interaction.Subscribe or Interaction.Unsubscribe or Interaction.ShowTables
            or Interaction.Acknowledge or Interaction.Snooze or Interaction.Unsnooze))
        {
            LogUnknownAction(logger, interaction.ActionId.Length > 64 ? interaction.ActionId[..64] : interaction.ActionId);
            return; // not ours: acknowledged, nothing done
        }

        if (!policy.IsAllowed(interaction.ResponseUrl))
        {
            LogNoResponseUrl(logger, interaction.ResponseUrl?.Host);
            return; // nowhere we may answer, so no work either
        }

        followUps.Track(AnswerAsync(interaction, requestId));
    }

    private async Task AnswerAsync(Interaction interaction, string requestId)
    {
        await Task.Yield();
        using var logScope = logger.BeginScope(LogScopes.Slack(interaction.TeamId, interaction.ChannelId, interaction.UserId, requestId));
        await using var scope = scopes.CreateAsyncScope();
        var responseUrl = scope.ServiceProvider.GetRequiredService<ResponseUrlClient>();
        // Who pressed, where, and where to answer; what the button stands for is the app's to say.
        var context = new SlashCommand(interaction.TeamId, interaction.ChannelId, "", interaction.UserId, "/drs-progress", "", interaction.ResponseUrl)
        {
            EnterpriseId = interaction.EnterpriseId,
            FromButton = true,
        };
        SlackMessage reply;
        try
        {
            reply = await scope.ServiceProvider.GetRequiredService<ISlackCommands>().PressAsync(context, interaction.ActionId, interaction.Value);
        }
        catch (Exception e) when (!followUps.Aborted.IsCancellationRequested)
        {
            LogFailed(logger, e);
            reply = SlackMessage.SomethingWentWrong();
        }

        // Refresh replaces the card it was pressed on; the others answer as new messages, like the typed commands.
        reply = reply with { ReplaceOriginal = interaction.ActionId is Interaction.Refresh or Interaction.RefreshJob };
        await responseUrl.PostAsync(interaction.ResponseUrl!, reply, CancellationToken.None);
    }

    /// <summary>The typed action a button carries, its ids checked by the typed command's rules; null when they fail them.</summary>
    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored a button press with unknown action {ActionId}")]
    private static partial void LogUnknownAction(ILogger logger, string actionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a button press whose response_url on {Host} is not under Slack:ResponseUrlPrefixes")]
    private static partial void LogNoResponseUrl(ILogger logger, string? host);

    [LoggerMessage(Level = LogLevel.Error, Message = "A button press failed")]
    private static partial void LogFailed(ILogger logger, Exception e);
}
