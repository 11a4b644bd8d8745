using Microsoft.Extensions.Options;

namespace DrsBot.Drs.Auth;

/// <summary>
/// <c>Auth:Mode=Token</c>: every request of a profile with a static token carries it as X-Auth-Token. A request of a
/// profile that signs in otherwise passes on untouched, to the handler of its mode.
/// </summary>
internal sealed class StaticTokenHandler(IOptions<DrsOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var auth = (DrsRequest.ProfileOf(request) ?? options.Value).Auth;
        if (auth.Mode == DrsAuthMode.Token)
        {
            request.Headers.Remove("X-Auth-Token");
            request.Headers.TryAddWithoutValidation("X-Auth-Token", auth.Token);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
