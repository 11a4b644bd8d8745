using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DrsBot.Benchmarks;

/// <summary>
/// <see cref="PassThrough"/> inside the built DrsBot.dll, in Production, with everything DrsBot's host runs:
/// its logging, metrics, middleware, Hangfire server and polls. What is left of the pass-through's throughput there is
/// what DrsBot's host costs before any of its command code runs. No switch in DrsBot for it: this assembly is a .NET
/// startup hook (<c>DOTNET_STARTUP_HOOKS</c>) that, while DrsBot builds its host, adds a first middleware answering
/// POST /slack/commands as the pass-through does. It runs before routing, so it pays a little less than an endpoint.
/// </summary>
internal static class HostedPassThrough
{
    public static void Install() => DiagnosticListener.AllListeners.Subscribe(new Listeners());

    private sealed class Listeners : IObserver<DiagnosticListener>
    {
        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name == "Microsoft.Extensions.Hosting")
            {
                listener.Subscribe(new HostEvents());
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }

    private sealed class HostEvents : IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(KeyValuePair<string, object?> e)
        {
            // WebApplicationBuilder announces itself as an IHostBuilder whose changes apply when it builds.
            if (e is { Key: "HostBuilding", Value: IHostBuilder builder })
            {
                builder.ConfigureServices((context, services) => services.AddSingleton<IStartupFilter>(new First(
                    new PassThrough(new Uri(context.Configuration["Drs:Endpoint"]!), context.Configuration["Slack:SigningSecret"]!))));
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }

    private sealed class First(PassThrough passThrough) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (http, rest) =>
            {
                if (HttpMethods.IsPost(http.Request.Method) && http.Request.Path == "/slack/commands")
                {
                    await (await passThrough.HandleAsync(http)).ExecuteAsync(http);
                    return;
                }

                await rest(http);
            });
            next(app);
        };
    }
}
