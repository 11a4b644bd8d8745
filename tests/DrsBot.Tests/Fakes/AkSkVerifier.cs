using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace DrsBot.Tests.Fakes;

/// <summary>
/// The API gateway's side of SDK-HMAC-SHA256, written separately from DrsBot's signer (straight from the
/// reference's algorithm) so that a bug in the signer cannot hide behind the same bug here.
/// </summary>
public static class AkSkVerifier
{
    public static bool Verify(HttpRequest request, string accessKey, string secretKey, DateTimeOffset now)
    {
        var authorization = request.Headers.Authorization.ToString();
        const string prefix = "SDK-HMAC-SHA256 ";
        if (!authorization.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = authorization[prefix.Length..].Split(", ")
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("Access", out var ak) || ak != accessKey ||
            !parts.TryGetValue("SignedHeaders", out var signedHeaders) || !parts.TryGetValue("Signature", out var signature))
        {
            return false;
        }

        var names = signedHeaders.Split(';');
        if (!names.Contains("host") || !names.Contains("x-sdk-date"))
        {
            return false;
        }

        var date = request.Headers["X-Sdk-Date"].ToString();
        if (!DateTimeOffset.TryParseExact(date, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt)
            || (now - signedAt).Duration() > TimeSpan.FromMinutes(15))
        {
            return false;
        }

        var target = request.HttpContext.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var (path, query) = target.IndexOf('?', StringComparison.Ordinal) is var q and >= 0 ? (target[..q], target[(q + 1)..]) : (target, "");

        var uri = string.Join("/", path.Split('/').Select(s => Rfc3986(Uri.UnescapeDataString(s))));
        if (!uri.EndsWith('/'))
        {
            uri += "/";
        }

        var queryLine = string.Join("&", query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => (K: Rfc3986(Uri.UnescapeDataString(p[0])), V: Rfc3986(Uri.UnescapeDataString(p.Length > 1 ? p[1] : ""))))
            .OrderBy(p => p.K, StringComparer.Ordinal).ThenBy(p => p.V, StringComparer.Ordinal)
            .Select(p => p.K + "=" + p.V));

        var headerLines = string.Concat(names.Select(n => n + ":" + request.Headers[n].ToString().Trim() + "\n"));
        var canonical = $"{request.Method}\n{uri}\n{queryLine}\n{headerLines}\n{signedHeaders}\n{Hex(SHA256.HashData(ReadBody(request)))}";
        var toSign = $"SDK-HMAC-SHA256\n{date}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var expected = Hex(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secretKey), Encoding.UTF8.GetBytes(toSign)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature));
    }

    private static byte[] ReadBody(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        request.Body.CopyToAsync(buffer).GetAwaiter().GetResult();
        return buffer.ToArray();
    }

    private static string Rfc3986(string s) => string.Concat(Encoding.UTF8.GetBytes(s).Select(b =>
        (b is >= (byte)'A' and <= (byte)'Z') || (b is >= (byte)'a' and <= (byte)'z') || (b is >= (byte)'0' and <= (byte)'9') || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~'
            ? ((char)b).ToString()
            : "%" + b.ToString("X2", CultureInfo.InvariantCulture)));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
