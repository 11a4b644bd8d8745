namespace DrsBot.Slack;

/// <summary>
/// What the app does with what Slack sends. The Slack edge verifies, parses, keeps the 3-second promise and posts the
/// answer; the implementation (the command router) decides what the answer is.
/// </summary>
public interface ISlackCommands
{
    /// <summary>A typed slash command.</summary>
    Task<SlackMessage> HandleAsync(SlashCommand command);

    /// <summary>A press of one of DrsBot's buttons: who pressed where (as a command's context), which button, and its value.</summary>
    Task<SlackMessage> PressAsync(SlashCommand context, string actionId, string? value);
}
