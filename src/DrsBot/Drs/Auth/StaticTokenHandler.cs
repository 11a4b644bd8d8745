using Microsoft.Extensions.Options;

namespace DrsBot.Drs.Auth;

/// <summary><c>Drs:Auth:Mode=Token</c>: every request carries the configured X-Auth-Token.</summary>
internal sealed class StaticTokenHandler(IOptions<DrsOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove("X-Auth-Token");
        request.Headers.TryAddWithoutValidation("X-Auth-Token", options.Value.Auth.Token);
        return base.SendAsync(request, cancellationToken);
    }
}
