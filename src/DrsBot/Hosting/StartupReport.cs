using DrsBot.Demo;
using DrsBot.Drs;
using DrsBot.Slack;
using DrsBot.Watching;
using Microsoft.Extensions.Options;

namespace DrsBot.Hosting;

/// <summary>One line at start-up that says what this instance talks to, so the on-call engineer need not guess.</summary>
public static partial class StartupReport
{
    public static WebApplication LogStartupReport(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var drs = app.Services.GetRequiredService<IOptions<DrsOptions>>().Value;
            var slack = app.Services.GetRequiredService<IOptions<SlackOptions>>().Value;
            var watch = app.Services.GetRequiredService<IOptions<WatchOptions>>().Value;
            var mode = app.Services.GetRequiredService<DemoMode>();
            LogReady(
                app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("DrsBot"),
                app.Environment.EnvironmentName,
                mode.SimulatedDrs ? "the built-in simulator" : drs.ResolvedEndpoint!.ToString(),
                drs.ProjectId,
                drs.Auth.Mode,
                mode.ConsoleChannel ? "the local console" : slack.ApiBaseUrl.ToString(),
                slack.AllowedTeamIds.Length == 0 ? "any workspace" : string.Join(",", slack.AllowedTeamIds),
                watch.PollInterval);
        });
        return app;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "DrsBot ready ({Environment}): DRS {DrsEndpoint} project {ProjectId} with {AuthMode} auth; Slack {SlackApi} for {Teams}; polls every {PollInterval}")]
    private static partial void LogReady(
        ILogger logger, string environment, string drsEndpoint, string projectId, DrsAuthMode authMode, string slackApi, string teams, TimeSpan pollInterval);
}
