using System.Security.Cryptography;
using DrsBot.Drs;
using DrsBot.Slack;

namespace DrsBot.Demo;

/// <summary>Which parts of the demo are on: all off outside Development.</summary>
public sealed record DemoMode(bool Console, bool SimulatedDrs, bool ConsoleChannel)
{
    public static DemoMode Detect(IConfiguration config, IHostEnvironment env) => new(
        Console: env.IsDevelopment(),
        SimulatedDrs: env.IsDevelopment() && string.IsNullOrWhiteSpace(config["Drs:Endpoint"]) && string.IsNullOrWhiteSpace(config["Drs:Region"]),
        ConsoleChannel: env.IsDevelopment() && string.IsNullOrWhiteSpace(config["Slack:BotToken"]));
}

/// <summary>
/// The zero-credential demo. In Development only: with no DRS endpoint or region, a built-in DRS simulator
/// answers the typed client over real HTTP; with no bot token, channel messages go to the local console at "/".
/// Production has neither fallback, so missing settings stop start-up instead.
/// </summary>
public static partial class DemoExtensions
{
    public const string SimulatorPath = "simulator/drs";

    /// <summary>Registered after the real edges, so the demo's stand-ins replace them.</summary>
    public static WebApplicationBuilder AddDemo(this WebApplicationBuilder builder)
    {
        var mode = DemoMode.Detect(builder.Configuration, builder.Environment);
        builder.Services.AddSingleton(mode);
        if (!mode.Console)
        {
            return builder;
        }

        builder.Services.AddSingleton<SelfAddress>();
        builder.Services.AddSingleton<ConsoleFeed>();
        builder.Services.AddHttpClient("console");
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, DemoJson.Default));

        // The console signs commands as Slack would; without a configured secret it makes one up for this run.
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        builder.Services.PostConfigure<SlackOptions>(o => o.SigningSecret = string.IsNullOrWhiteSpace(o.SigningSecret) ? secret : o.SigningSecret);

        if (mode.SimulatedDrs)
        {
            builder.Services.AddSingleton<DrsSimulator>();
            builder.Services.PostConfigure<DrsOptions>(o =>
            {
                o.Endpoint = new Uri("http://127.0.0.1/" + SimulatorPath); // replaced below by the real address
                o.ProjectId = DrsSimulator.ProjectId;
                o.Auth = new DrsAuthOptions { Mode = DrsAuthMode.Token, Token = "simulator-token" };
            });
            builder.Services.AddHttpClient(DrsClient.HttpClientName) // its settings only: AddDrs registers the client
                .ConfigureHttpClient((sp, http) => http.BaseAddress = new Uri(sp.GetRequiredService<SelfAddress>().BaseUrl, SimulatorPath + "/"));
        }

        if (mode.ConsoleChannel)
        {
            builder.Services.AddSingleton<IChannelPoster, ConsoleChannel>();
        }

        return builder;
    }

    public static WebApplication MapDemo(this WebApplication app)
    {
        var mode = app.Services.GetRequiredService<DemoMode>();
        if (!mode.Console)
        {
            return app;
        }

        if (mode.SimulatedDrs)
        {
            _ = app.Services.GetRequiredService<DrsSimulator>(); // its story starts with the app, not the first request
            DrsSimulator.Map(app, "/" + SimulatorPath);
        }

        ConsoleEndpoints.Map(app);
        app.MapGet("/", () => Results.Stream(
            typeof(DemoExtensions).Assembly.GetManifestResourceStream("DrsBot.Demo.console.html")!, "text/html; charset=utf-8"))
            .ExcludeFromDescription()
            .AddEndpointFilter(ConsoleEndpoints.LoopbackOnly);

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("DrsBot.Demo");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var self = app.Services.GetRequiredService<SelfAddress>().BaseUrl;
            LogDemo(logger,
                mode.SimulatedDrs ? $"simulated at {new Uri(self, SimulatorPath)} (no Drs:Endpoint or Drs:Region)" : "real DRS",
                mode.ConsoleChannel ? "go to the local console (no Slack:BotToken)" : "go to Slack",
                self);
        });
        return app;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Development demo mode. DRS: {Drs}. Channel messages {Channel}. Open the console at {ConsoleUrl}")]
    private static partial void LogDemo(ILogger logger, string drs, string channel, Uri consoleUrl);
}
