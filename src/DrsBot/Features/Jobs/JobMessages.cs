using System.Globalization;
using DrsBot.Drs;
using DrsBot.Features.Progress;
using DrsBot.Slack;
using DrsBot.Watching;
using static DrsBot.Slack.Mrkdwn;

namespace DrsBot.Features.Jobs;

/// <summary>
/// <c>/drs-progress &lt;job_id&gt;</c>: the job at a glance and its comparisons, running ones first, each running one with
/// the buttons that lead on. Everything here came from DRS, so every string is escaped and every id re-checked
/// before it goes into a button.
/// </summary>
public static class JobMessages
{
    /// <summary>Two blocks each; with the head and tail this stays far below Slack's 50 blocks.</summary>
    public const int MaxListed = 10;

    /// <param name="profile">The job's DRS profile, named when there are several (else null).</param>
    public static SlackMessage Render(JobView view, DateTimeOffset at, Uri? console, string? profile = null)
    {
        profile ??= view.Profile;
        if (view.NothingKnown)
        {
            return Failure(view.JobId, view.DetailFailure ?? view.ComparisonsFailure!, at, profile);
        }

        var blocks = new List<Block>();
        var detail = view.Detail;
        var name = detail?.BaseInfo?.Name;
        // A header is plain text, so nothing in it pings; angle brackets are still kept out of what a name can look like.
        blocks.Add(Blocks.Header(string.IsNullOrWhiteSpace(name) ? $"Job {view.JobId}" : $"Job {name.Replace('<', '‹').Replace('>', '›')}"));
        if (detail is not null)
        {
            var (emoji, status) = Status(detail.Status);
            blocks.Add(Blocks.Section($"{emoji} *{Escape(status)}*"));
            blocks.Add(Blocks.Fields(null, ProgressMessages.Fields(
                ("Type", Describe(detail.BaseInfo?.JobType, detail.BaseInfo?.TaskType)),
                ("Engine", Engine(detail)),
                ("Created", Time(detail.CreateTime)))));
        }
        else
        {
            blocks.Add(Blocks.Section($":grey_question: DRS did not give this job's details ({Escape(FailureMessages.Explain(view.DetailFailure!).Title)}); its comparisons are below."));
        }

        if (Replication(view.Replication) is { } replication)
        {
            blocks.Add(Blocks.Section(replication));
        }

        blocks.Add(Blocks.Divider());
        blocks.AddRange(Comparisons(view));
        blocks.Add(Blocks.Context($"{ProgressMessages.ProfilePrefix(profile)}Job {Code(view.JobId)} · Read {Date(at)}"));
        var actions = new List<ButtonElement> { Blocks.Button("Refresh", Interaction.RefreshJob, ComparisonRef.Typed(view.JobId, view.Profile)) };
        if (console is not null)
        {
            actions.Add(Blocks.LinkButton("Open in DRS console", Interaction.OpenConsole, console));
        }

        blocks.Add(Blocks.Actions(actions));
        return new SlackMessage(Fallback(view), blocks);
    }

    /// <summary>"Replication: :zap: caught up (incremental, 0 s behind)": the job's own delay, beside its comparisons.</summary>
    private static string? Replication(JobProgressInfo? info)
    {
        if (info is null)
        {
            return null;
        }

        var parts = new List<string>(3);
        if (info.DelaySeconds is { } delay)
        {
            parts.Add($"{(delay <= 0 ? ":zap:" : delay > 60 ? ":warning:" : ":arrows_counterclockwise:")} incremental replication {Format.DelayPhrase(delay)}");
        }

        if (double.TryParse(info.Progress, NumberStyles.Float, CultureInfo.InvariantCulture, out var progress) && double.IsFinite(progress) && info.DelaySeconds is null)
        {
            parts.Add($"migration at {Format.Percent(progress)}");
        }

        if (!string.IsNullOrWhiteSpace(info.TransferStatus))
        {
            parts.Add($"transfer {Code(info.TransferStatus)}");
        }

        return parts.Count == 0 ? null : "*Replication*: " + string.Join(" · ", parts);
    }

    private static IEnumerable<Block> Comparisons(JobView view)
    {
        if (view.Comparisons is not { } all)
        {
            var (_, title, advice) = FailureMessages.Explain(view.ComparisonsFailure!);
            yield return Blocks.Section($":grey_question: *DRS did not list this job's comparisons:* {Escape(title)}. {advice}");
            yield break;
        }

        if (all.Count == 0)
        {
            yield return Blocks.Section("This job has no data comparisons yet. Create one on the job's *Data Comparison* tab in the DRS console.");
            yield break;
        }

        var total = Math.Max(view.TotalComparisons ?? 0, all.Count);
        var running = all.Count(c => c.IsRunning);
        yield return Blocks.Section($"*{Format.Plural(total, "comparison")}*" + (running > 0 ? $", {running} running" : ", none running"));

        // Running first (those are the ones to watch), then the most recently started.
        var ordered = all.OrderByDescending(c => c.IsRunning).ThenByDescending(c => ParseTime(c.StartTime) ?? DateTimeOffset.MinValue).ToList();
        foreach (var task in ordered.Take(MaxListed))
        {
            yield return Blocks.Section(Line(task));
            if (task.IsRunning && task.HasProgress && ComparisonRef.IsValidId(task.Id) && ComparisonRef.IsValidId(view.JobId))
            {
                var key = new ComparisonRef(view.JobId, task.Id!, view.Profile).Key;
                yield return Blocks.Actions(
                    Blocks.Button("Show progress", Interaction.ShowProgress, key),
                    Blocks.Button("Subscribe this channel", Interaction.Subscribe, key, style: "primary"));
            }
        }

        if (total > MaxListed)
        {
            yield return Blocks.Context($"…and {total - Math.Min(MaxListed, ordered.Count)} more in the DRS console. " +
                                        $"Any of them: `/drs-progress {Escape(ComparisonRef.Typed(view.JobId, view.Profile))} &lt;compare_job_id&gt;`.");
        }
    }

    private static string Line(CompareTaskInfo task)
    {
        var (emoji, status) = Status(task.Status);
        var when = string.Join(" · ", new[]
        {
            ParseTime(task.StartTime) is { } started ? $"started {Date(started)}" : null,
            ParseTime(task.EndTime) is { } ended ? $"ended {Date(ended)}" : null,
        }.Where(x => x is not null));
        var error = string.IsNullOrWhiteSpace(task.ErrorMessage) ? "" : $"\n:warning: {Escape(Blocks.Fit(task.ErrorMessage, 300))}";
        return $"{emoji} {Code(task.Id ?? "?")} · {Escape(TypeName(task.Type))} · *{Escape(status)}*" +
               (when.Length == 0 ? "" : $"\n{when}") + error;
    }

    /// <summary>The job or its comparisons could not be read at all.</summary>
    public static SlackMessage Failure(string jobId, DrsFailure failure, DateTimeOffset at, string? profile = null)
    {
        var (emoji, title, advice) = failure.Kind switch
        {
            // The v5 job API serves only some engines and regions, and says so as "no such job" or a 4xx refusal.
            DrsFailureKind.NotFound or DrsFailureKind.Rejected => (":mag:", "DRS did not show this job",
                $"DRS found no job {Code(jobId)}, or its job API does not serve this job: that API covers only some engines " +
                "(MySQL→MySQL, Redis→GeminiDB Redis, Oracle→GaussDB) and regions. The two-id form works for every comparison: " +
                $"`/drs-progress {Escape(jobId)} &lt;compare_job_id&gt;`, with the comparison id from the job's *Data Comparison* tab."),
            _ => FailureMessages.Explain(failure),
        };
        var blocks = new List<Block> { Blocks.Section($"{emoji} *{title}*\n{advice}") };
        var details = FailureMessages.Details(failure).ToList();
        if (details.Count > 0)
        {
            blocks.Add(Blocks.Fields(null, details));
        }

        blocks.Add(Blocks.Context($"{ProgressMessages.ProfilePrefix(profile)}Job {Code(jobId)} · Tried {Date(at)}"));
        return new SlackMessage($"{title} (job {jobId})" + (failure.Code is null ? "" : $" [{Escape(failure.Code)}]"), blocks);
    }

    private static string Fallback(JobView view)
    {
        var name = view.Detail?.BaseInfo?.Name is { Length: > 0 } n ? n : view.JobId;
        var status = view.Detail?.Status is { } s ? $" ({Status(s).Text})" : "";
        var comparisons = view.Comparisons is { } all ? $": {Format.Plural(Math.Max(view.TotalComparisons ?? 0, all.Count), "comparison")}, {all.Count(c => c.IsRunning)} running" : "";
        return Escape($"Job {name}{status}{comparisons}");
    }

    /// <summary>DRS's status codes in words; an unknown code is shown as DRS wrote it.</summary>
    private static (string Emoji, string Text) Status(string? status)
    {
        var code = CompareTaskInfo.CodeOf(status);
        return code switch
        {
            "" => (":grey_question:", "Status unknown"),
            "RUNNING" => (":arrows_counterclockwise:", "Running"),
            "FULL_DOING" => (":arrows_counterclockwise:", "Running: full comparison"),
            "INCRE_DOING" => (":arrows_counterclockwise:", "Running: incremental comparison"),
            "WAITING_FOR_RUNNING" => (":hourglass_flowing_sand:", "Waiting to run"),
            "SUCCESSFUL" => (":white_check_mark:", "Finished"),
            "FAILED" => (":x:", "Failed"),
            "CANCELLED" => (":black_square_for_stop:", "Cancelled"),
            "TIMEOUT_INTERRUPT" => (":hourglass:", "Interrupted by a timeout"),
            "FULL_TRANSFER_STARTED" => (":arrows_counterclockwise:", "Full migration running"),
            "FULL_TRANSFER_COMPLETE" => (":white_check_mark:", "Full migration complete"),
            "INCRE_TRANSFER_STARTED" => (":arrows_counterclockwise:", "Incremental replication running"),
            "PAUSING" => (":double_vertical_bar:", "Paused"),
            "RELEASE_RESOURCE_COMPLETE" => (":checkered_flag:", "Ended"),
            "DELETED" => (":wastebasket:", "Deleted"),
            "CREATING" or "CONFIGURATION" or "STARTJOBING" or "WAITING_FOR_START" => (":hourglass_flowing_sand:", "Starting"),
            _ when code.EndsWith("_FAILED", StringComparison.Ordinal) => (":x:", Words(code)),
            _ => (":information_source:", Words(code)),
        };
    }

    private static string Words(string code) =>
        code.Length > 60 ? code[..60] : CultureInfo.InvariantCulture.TextInfo.ToTitleCase(code.Replace('_', ' ').ToLowerInvariant());

    private static string TypeName(string? type) => type?.ToLowerInvariant() switch
    {
        "lines" => "row count",
        "contents" => "value",
        "object" => "object",
        "random" => "sampling",
        null or "" => "comparison",
        var other => Blocks.Fit(other, 30),
    };

    private static string? Describe(string? jobType, string? taskType)
    {
        var job = jobType?.ToLowerInvariant() switch
        {
            "migration" => "Migration",
            "sync" => "Synchronization",
            "clouddataguard" => "Disaster recovery",
            null or "" => null,
            var other => Blocks.Fit(other, 40),
        };
        var task = taskType?.ToUpperInvariant() switch
        {
            "FULL_TRANS" => "full",
            "FULL_INCR_TRANS" => "full + incremental",
            "INCR_TRANS" => "incremental",
            null or "" => null,
            var other => Blocks.Fit(other, 40),
        };
        return job is null && task is null ? null : Escape(string.Join(", ", new[] { job, task }.Where(x => x is not null)));
    }

    private static string? Engine(JobDetail detail)
    {
        if (!string.IsNullOrWhiteSpace(detail.BaseInfo?.EngineType))
        {
            return Code(Blocks.Fit(detail.BaseInfo.EngineType, 60));
        }

        var source = detail.SourceEndpoints?.FirstOrDefault()?.DbType;
        var target = detail.TargetEndpoints?.FirstOrDefault()?.DbType;
        return source is null && target is null ? null : Code(Blocks.Fit($"{source ?? "?"} → {target ?? "?"}", 60));
    }

    private static string? Time(string? text) => ParseTime(text) is { } t ? Date(t) : null;

    /// <summary>DRS writes UTC like <c>2020-09-01T18:50:20Z</c>; some answers carry epoch milliseconds instead.</summary>
    public static DateTimeOffset? ParseTime(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms is > 0 and < 32_503_680_000_000)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : null;
    }
}
