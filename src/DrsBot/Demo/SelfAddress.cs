using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace DrsBot.Demo;

/// <summary>
/// This process's own base URL, for the demo pieces that talk to DrsBot over real HTTP (the simulator behind
/// the typed DRS client, the console signing and posting commands). Known only once Kestrel listens.
/// </summary>
public sealed class SelfAddress(IServer server)
{
    public Uri BaseUrl
    {
        get
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var chosen = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
                         ?? addresses.FirstOrDefault()
                         ?? throw new InvalidOperationException("DrsBot is not listening on any address yet.");
            var uri = new UriBuilder(chosen.Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
                                           .Replace("://*", "://127.0.0.1", StringComparison.Ordinal));
            if (uri.Host is "0.0.0.0" or "[::]" or "::")
            {
                uri.Host = "127.0.0.1";
            }

            uri.Path = "/";
            return uri.Uri;
        }
    }
}
