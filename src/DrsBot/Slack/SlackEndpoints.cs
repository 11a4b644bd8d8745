using DrsBot.Infrastructure;



namespace DrsBot.Slack;

public static partial class SlackEndpoints
{
    /// <summary>Slack's Request URLs. Every route here is signature-checked before anything else runs.</summary>
    public static RouteGroupBuilder MapSlack(this IEndpointRouteBuilder app)
    {
        // The registered instance, not AddEndpointFilter<T>, which builds a new filter from the request's services each time.
        var verification = app.ServiceProvider.GetRequiredService<SlackRequestVerification>();
        var slack = app.MapGroup("/slack").AddEndpointFilter(verification);
        slack.MapPost("/commands", HandleCommandAsync);
        slack.MapPost("/interactions", HandleInteraction);
        slack.MapPost("/events", HandleEvent);
        return slack;
    }

    /// <summary>
    /// The Events API: the URL check answered with its challenge; a Home tab opened acknowledged at once and published
    /// after; anything else acknowledged and ignored (Slack retries what is not acknowledged).
    /// </summary>
    private static IResult HandleEvent(HttpContext http, IServiceProvider services)
    {
        switch (SlackEvent.FromJson(http.Features.Get<SlackRequestBody>()!.Bytes.Span))
        {
            case UrlVerification check:
                return TypedResults.Json(check, SlackJsonContext.Default.UrlVerification);
            case HomeOpened opened:
                services.GetService<ISlackHome>()?.Opened(opened);
                return TypedResults.Ok();
            default:
                return TypedResults.Ok();
        }
    }

    private static async Task<IResult> HandleCommandAsync(HttpContext http, ISlackCommands commands, DrsBotMetrics metrics, ILogger<SlashCommands> logger)
    {
        var body = http.Features.Get<SlackRequestBody>()!;
        if (!http.Request.HasFormContentType)
        {
            return TypedResults.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }

        var command = SlashCommand.FromForm(body.Bytes.Span);
        if (command.IsSslCheck)
        {
            return TypedResults.Ok();
        }

        using var scope = logger.BeginScope(LogScopes.Slack(command.TeamId, command.ChannelId, command.UserId, http.TraceIdentifier));
        SlackMessage reply;
        try
        {
            reply = await commands.HandleAsync(command);
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            // A bug must still leave the user with an answer, not Slack's "failed with the error".
            LogUnhandled(logger, e);
            metrics.Command("unknown", "error");
            reply = SlackMessage.SomethingWentWrong();
        }

        return new SlackReply(reply);
    }

    /// <summary>
    /// The log category of slash commands. A logger from DI, not ILoggerFactory.CreateLogger per command: that takes
    /// the factory's lock, which every command would then queue on.
    /// </summary>
    public sealed class SlashCommands;

    /// <summary>Button presses: acknowledged at once with an empty 200; the answer follows through response_url.</summary>
    private static IResult HandleInteraction(HttpContext http, InteractionHandler handler)
    {
        if (!http.Request.HasFormContentType)
        {
            return TypedResults.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }

        if (Interaction.FromForm(http.Features.Get<SlackRequestBody>()!.Bytes.Span) is { } interaction)
        {
            handler.Accept(interaction, http.TraceIdentifier);
        }

        return TypedResults.Ok();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Slash command failed")]
    private static partial void LogUnhandled(ILogger logger, Exception e);
}
