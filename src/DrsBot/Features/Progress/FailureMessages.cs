using DrsBot.Slack;
using DrsBot.Watching;

using static DrsBot.Slack.Mrkdwn;

namespace DrsBot.Features.Progress;

/// <summary>Explains a failed DRS call: what happened, what to do, and what support will ask for.</summary>
public static class FailureMessages
{
    public static SlackMessage Render(ComparisonRef comparison, DrsFailure failure, DateTimeOffset at, string? profile = null)
    {
        var (emoji, title, advice) = Explain(comparison, failure);
        var blocks = new List<Block>
        {
            Blocks.Section($"{emoji} *{title}*\n{advice}"),
        };

        var details = Details(failure).ToList();
        if (details.Count > 0)
        {
            blocks.Add(Blocks.Fields(null, details));
        }

        blocks.Add(Blocks.Context(ProgressMessages.ContextLine(comparison, at, profile).Replace("· Read", "· Tried", StringComparison.Ordinal)));
        // The fallback text is what a push notification shows: DRS's code is escaped there too, never a ping.
        var text = $"{title} (comparison {comparison.CompareJobId})" + (failure.Code is null ? "" : $" [{Escape(failure.Code)}]");
        return new SlackMessage(text, blocks);
    }

    /// <summary>Title and advice in words a person can act on at 3 a.m.</summary>
    public static (string Emoji, string Title, string Advice) Explain(ComparisonRef comparison, DrsFailure failure) => failure.Kind switch
    {
        DrsFailureKind.NotFound => (":mag:", "DRS has no such comparison",
            $"DRS found no comparison {Code(comparison.CompareJobId)} in job {Code(comparison.JobId)}. Check both ids in the DRS console (the job's *Data Comparison* tab), and that DrsBot points at the right region and project."),
        _ => Explain(failure),
    };

    /// <summary>The same, for failures that do not depend on what was asked for.</summary>
    public static (string Emoji, string Title, string Advice) Explain(DrsFailure failure) => failure switch
    {
        // Password mode signs in to IAM before every DRS call it has no token for: IAM's failures are not DRS's.
        { FromIam: true, Kind: DrsFailureKind.Unreachable or DrsFailureKind.Timeout } => (":electric_plug:", "Huawei Cloud's sign-in (IAM) could not be reached",
            "DrsBot signs in to IAM before it asks DRS, and could not. If this keeps happening, ask whoever runs DrsBot to check `Drs:Auth:IamEndpoint` and the network."),
        { FromIam: true, Kind: not DrsFailureKind.CredentialsRejected } => (":construction:", "Huawei Cloud's sign-in (IAM) failed",
            "DrsBot signs in to IAM before it asks DRS, and IAM did not let it this time. Try again in a few minutes; if it persists, give Huawei Cloud support the request id below."),
        _ => ExplainDrs(failure),
    };

    private static (string Emoji, string Title, string Advice) ExplainDrs(DrsFailure failure) => failure.Kind switch
    {
        DrsFailureKind.NotFound => (":mag:", "DRS found nothing under that id",
            "Check the id in the DRS console, and that DrsBot points at the right region and project."),
        DrsFailureKind.CredentialsRejected => (":lock:", "DrsBot's Huawei Cloud credentials were rejected",
            "Ask whoever runs DrsBot to check `Drs:Auth` (and that the IAM user may read DRS)."),
        DrsFailureKind.Throttled when failure.Code == Drs.DrsClient.BudgetCode => (":traffic_light:", "DrsBot's DRS call budget is used up for this minute",
            "DrsBot keeps to `Drs:MaxCallsPerMinute` so that it never throttles your team's own use of the DRS API. Try again in a minute; " +
            "whoever runs DrsBot can raise the budget or lengthen `Watch:PollInterval`."),
        DrsFailureKind.Throttled => (":traffic_light:", "DRS is throttling requests",
            "Huawei Cloud asked DrsBot to slow down. Try again in a minute."),
        DrsFailureKind.ServiceError => (":construction:", "DRS had an internal error",
            "Try again in a few minutes. If it persists, give Huawei Cloud support the request id below."),
        DrsFailureKind.Timeout => (":hourglass:", "DRS did not answer in time",
            "DRS may be slow or overloaded. Try again in a minute."),
        DrsFailureKind.Unreachable => (":electric_plug:", "DRS could not be reached",
            "DrsBot could not connect to DRS. If this keeps happening, ask whoever runs DrsBot to check `Drs:Endpoint` / `Drs:Region` and the network."),
        DrsFailureKind.InvalidResponse => (":question:", "DRS sent an answer DrsBot could not read",
            "Try again; if it persists, report it with the request id below."),
        _ => (":no_entry:", "DRS refused the request",
            "DRS's own explanation is below."),
    };

    public static IEnumerable<string> Details(DrsFailure failure)
    {
        if (failure.Code is not null)
        {
            yield return $"*Error code*\n{Code(failure.Code)}";
        }

        if (failure.Message is not null)
        {
            yield return $"*Message*\n{Escape(failure.Message)}";
        }

        if (failure.RequestId is not null)
        {
            yield return $"*Request id*\n{Code(failure.RequestId)}";
        }

        if (failure.StatusCode is { } status && failure.Code is null)
        {
            yield return $"*HTTP status*\n{status}";
        }
    }
}
