using DrsBot.Slack;



namespace DrsBot.Features.Help;

/// <summary>Usage, and the friendly refusal for a command we could not parse.</summary>
public static class HelpMessages
{
    public const string Usage =
        "*`/drs-progress &lt;job_id&gt;`* — the job and its comparisons, with buttons to show or watch each running one\n" +
        "*`/drs-progress &lt;job_id&gt; &lt;compare_job_id&gt;`* — show a comparison's progress now, with an ETA once the pace is known\n" +
        "*`/drs-progress subscribe &lt;job_id&gt; &lt;compare_job_id&gt; [@people…] [--no-thread]`* — tell this channel when it completes, catches up or needs attention, in one thread per comparison\n" +
        "*`/drs-progress tables &lt;job_id&gt; &lt;compare_job_id&gt;`* — which tables differ, largest difference first\n" +
        "*`/drs-progress snooze &lt;job_id&gt; &lt;compare_job_id&gt; &lt;2h|30m|off&gt;`* — hold this channel's alerts about a watched comparison for a while (up to 7 days); `off` ends it\n" +
        "*`/drs-progress unsubscribe &lt;job_id&gt; &lt;compare_job_id&gt;`* — stop telling this channel\n" +
        "*`/drs-progress list`* — what this channel watches\n" +
        "*`/drs-progress digest &lt;HH:MM&gt; [time zone]`* — every day at that time (e.g. `09:00 Europe/Berlin`; UTC if none), a summary of what this channel watches; `digest off` stops it\n" +
        "*`/drs-progress use [profile]`* — with several DRS projects or regions: the one this channel's job ids are in; `staging:job-1` names one for a single command\n" +
        "*`/drs-progress help`* — this message";

    public static SlackMessage Help() => new(
        "DrsBot: /drs-progress &lt;job_id&gt; &lt;compare_job_id&gt; shows a DRS comparison's progress.",
        [
            Blocks.Section(":wave: *DrsBot* shows Huawei Cloud DRS data comparisons in Slack."),
            Blocks.Section(Usage),
            Blocks.Context("Ids are in the DRS console: the job id on the task list, the comparison id on the job's *Data Comparison* tab " +
                           "(or `/drs-progress &lt;job_id&gt;` lists them). A progress card has buttons: Refresh, Subscribe or Unsubscribe, Show differing tables, and Open in DRS console. " +
                           "Watched comparisons also alert when progress stalls or the incremental delay keeps rising; alerts carry Acknowledge and Snooze 1 h."),
        ]);

    public static SlackMessage Invalid(string problem) => new(
        $"Sorry, I didn't understand that: {Mrkdwn.Escape(problem)}",
        [
            Blocks.Section($":thinking_face: {Mrkdwn.Escape(problem)}"),
            Blocks.Section(Usage),
        ]);

    public static SlackMessage NotAllowedTeam() => new(
        "DrsBot is not enabled for this workspace.",
        [Blocks.Section(":no_entry: DrsBot is not enabled for this workspace. Ask whoever runs DrsBot to add it to `Slack:AllowedTeamIds`.")]);

    public static SlackMessage SlowDown() => new(
        "Too many commands in the last minute; please wait a moment and try again.",
        [Blocks.Section(":turtle: That is a lot of commands in one minute, so I skipped this one. Wait a moment and try again. " +
                        "To be told when a comparison changes, `/drs-progress subscribe` it instead of asking again and again.")]);
}
