using Microsoft.Extensions.Options;

namespace DrsBot.Drs.Auth;

/// <summary>
/// <c>Drs:Auth:Mode=AkSk</c>: signs every attempt afresh (new X-Sdk-Date) with the access key and secret key.
/// Signs content-type, host, x-project-id, x-sdk-date and, for temporary credentials, x-security-token.
/// </summary>
internal sealed class AkSkSigningHandler(IOptions<DrsOptions> options, TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var drs = options.Value;
        var auth = drs.Auth;
        var uri = request.RequestUri!;
        var host = uri.IsDefaultPort ? uri.IdnHost : $"{uri.IdnHost}:{uri.Port}";
        var date = AkSkSigner.FormatDate(time.GetUtcNow());

        foreach (var name in new[] { "X-Sdk-Date", "X-Project-Id", "X-Security-Token", "Authorization", "X-Auth-Token" })
        {
            request.Headers.Remove(name);
        }

        request.Headers.Host = host;
        request.Headers.TryAddWithoutValidation("X-Sdk-Date", date);
        request.Headers.TryAddWithoutValidation("X-Project-Id", drs.ProjectId);
        var signed = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["host"] = host,
            ["x-sdk-date"] = date,
            ["x-project-id"] = drs.ProjectId,
        };

        if (!string.IsNullOrEmpty(auth.SecurityToken))
        {
            request.Headers.TryAddWithoutValidation("X-Security-Token", auth.SecurityToken);
            signed["x-security-token"] = auth.SecurityToken;
        }

        byte[] body = [];
        if (request.Content is not null)
        {
            body = await request.Content.ReadAsByteArrayAsync(ct);
            if (request.Content.Headers.ContentType is { } type)
            {
                signed["content-type"] = type.ToString();
            }
        }

        var canonical = AkSkSigner.CanonicalRequest(request.Method.Method, uri.AbsolutePath, uri.Query, signed, body);
        var signature = AkSkSigner.Signature(AkSkSigner.StringToSign(canonical, date), auth.SecretKey!);
        request.Headers.TryAddWithoutValidation("Authorization", AkSkSigner.AuthorizationHeader(auth.AccessKey!, signed.Keys, signature));
        return await base.SendAsync(request, ct);
    }
}
