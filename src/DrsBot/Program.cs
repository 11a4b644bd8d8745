using DrsBot.Commands;
using DrsBot.Demo;
using DrsBot.Drs;
using DrsBot.Features.Digest;
using DrsBot.Features.Home;
using DrsBot.Features.Jobs;
using DrsBot.Features.Notifications;
using DrsBot.Features.Profiles;
using DrsBot.Features.Progress;
using DrsBot.Features.Subscriptions;
using DrsBot.Features.Tables;
using DrsBot.Hosting;
using DrsBot.Infrastructure;
using DrsBot.Slack;
using DrsBot.Storage;
using DrsBot.Watching;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();           // clock, health checks, metrics and traces, JSON logs outside Development
builder.Services.AddSlack();            // Slack edge: signature check, replies within 3 s, Web API
builder.Services.AddDrs();              // DRS edge: typed client, auth, resilience
builder.Services.AddStorage();          // Hangfire:Storage: InMemory (one replica) or PostgreSql (any number)
builder.Services.AddWatching();         // the core: subscriptions' records, Hangfire polls, the outbox of decisions
builder.Services.AddProgress();         // /drs-progress <job_id> <compare_job_id>: the progress card
builder.Services.AddJobs();             // /drs-progress <job_id>: a job and its comparisons
builder.Services.AddTables();           // tables <job_id> <compare_job_id>: which tables differ
builder.Services.AddSubscriptions();    // subscribe, unsubscribe, list
builder.Services.AddDigest();           // digest HH:MM, digest off, and the daily post
builder.Services.AddProfiles();         // use <profile>: a channel's DRS profile, and who may use which
builder.Services.AddHome();             // the Home tab: what a person's channels watch (app_home_opened)
builder.Services.AddNotifications();    // the outbox delivered to Slack: messages, threads
builder.Services.AddCommands();         // the /drs-progress grammar, and the router from commands and buttons to features
builder.Services.AddDashboard();        // Hangfire:Dashboard: off, or read-only behind basic auth
builder.AddDemo();                      // Development only: DRS simulator and local console

var app = builder.Build();
if (ConfigurationProblems.Check(app.Services) is { Count: > 0 } invalid)
{
    return ConfigurationProblems.Report(invalid);   // before anything reads a setting: the list, no stack trace
}

app.MapServiceDefaults();               // GET /healthz (alive, poll loop moving), GET /readyz (started; storage state in the body), GET /metrics
app.UseDashboard();                     // /hangfire, only when enabled
app.MapSlack();                         // POST /slack/commands, /slack/interactions, /slack/events
app.MapDemo();                          // Development only: GET / (console), /simulator/drs
app.LogStartupReport();                 // one line: what this instance talks to

try
{
    app.Run();
}
catch (Exception e) when (ConfigurationProblems.From(e) is { Count: > 0 } problems && ConfigurationProblems.OwnsProcess)
{
    return ConfigurationProblems.Report(problems);  // a list of keys to set, not a stack trace
}

return 0;

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
