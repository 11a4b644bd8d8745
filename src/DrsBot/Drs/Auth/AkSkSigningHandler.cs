using Microsoft.Extensions.Options;

namespace DrsBot.Drs.Auth;

/// <summary>
/// <c>Auth:Mode=AkSk</c>: signs every attempt afresh (new X-Sdk-Date) with the profile's access key and secret key.
/// Signs content-type, host, x-project-id, x-sdk-date and, for temporary credentials, x-security-token. A request of a
/// profile that signs in otherwise passes on untouched.
/// </summary>
internal sealed class AkSkSigningHandler(IOptions<DrsOptions> options, TimeProvider time) : DelegatingHandler
{
    private static readonly string[] SigningHeaders = ["X-Sdk-Date", "X-Project-Id", "X-Security-Token", "Authorization", "X-Auth-Token"];

    // Not async: DrsBot's own requests are signed without waiting on anything, and hand the inner handler's task back
    // as it is (an async method here would cost every DRS call a state machine). Only a request with a body waits.
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var drs = DrsRequest.ProfileOf(request) ?? options.Value;
        var auth = drs.Auth;
        if (auth.Mode != DrsAuthMode.AkSk)
        {
            return base.SendAsync(request, ct);
        }

        var uri = request.RequestUri!;
        var host = uri.IsDefaultPort ? uri.IdnHost : $"{uri.IdnHost}:{uri.Port}";
        var date = AkSkSigner.FormatDate(time.GetUtcNow());
        var securityToken = string.IsNullOrEmpty(auth.SecurityToken) ? null : auth.SecurityToken;

        foreach (var name in SigningHeaders)
        {
            request.Headers.Remove(name);
        }

        request.Headers.Host = host;
        request.Headers.TryAddWithoutValidation("X-Sdk-Date", date);
        request.Headers.TryAddWithoutValidation("X-Project-Id", drs.ProjectId);
        if (securityToken is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Security-Token", securityToken);
        }

        var contentType = request.Content?.Headers.ContentType?.ToString();
        var path = uri.AbsolutePath;
        var noBody = request.Content is null || request.Content.Headers.ContentLength == 0; // unknown length: read it below
        if (!noBody || uri.Query.Length > 0 || !AkSkSigner.IsSimplePath(path))
        {
            return SignStepByStepAndSendAsync(request, path, contentType, host, drs.ProjectId, date, securityToken, auth, ct);
        }

        request.Headers.TryAddWithoutValidation("Authorization", AkSkSigner.AuthorizationForSimpleRequest(
            request.Method.Method, path, contentType, host, drs.ProjectId, date, securityToken, auth.AccessKey!, auth.SecretKey!));
        return base.SendAsync(request, ct);
    }

    /// <summary>Any request: the guide's steps one by one (a query to sort, a path to re-encode, a body to hash).</summary>
    private async Task<HttpResponseMessage> SignStepByStepAndSendAsync(
        HttpRequestMessage request, string path, string? contentType, string host, string projectId, string date, string? securityToken,
        DrsAuthOptions auth, CancellationToken ct)
    {
        var signed = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["host"] = host,
            ["x-sdk-date"] = date,
            ["x-project-id"] = projectId,
        };

        if (securityToken is not null)
        {
            signed["x-security-token"] = securityToken;
        }

        if (contentType is not null)
        {
            signed["content-type"] = contentType;
        }

        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(ct);
        var canonical = AkSkSigner.CanonicalRequest(request.Method.Method, path, request.RequestUri!.Query, signed, body);
        var signature = AkSkSigner.Signature(AkSkSigner.StringToSign(canonical, date), auth.SecretKey!);
        request.Headers.TryAddWithoutValidation("Authorization", AkSkSigner.AuthorizationHeader(auth.AccessKey!, signed.Keys, signature));
        return await base.SendAsync(request, ct);
    }
}
