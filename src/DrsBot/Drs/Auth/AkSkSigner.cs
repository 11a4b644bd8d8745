using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DrsBot.Drs.Auth;

/// <summary>
/// Huawei Cloud's SDK-HMAC-SHA256 request signature (API signing guide), as pure functions of the request's
/// parts so that the guide's worked example can be reproduced byte for byte.
/// </summary>
public static class AkSkSigner
{
    public const string Algorithm = "SDK-HMAC-SHA256";
    public const string DateFormat = "yyyyMMdd'T'HHmmss'Z'";

    public static string FormatDate(DateTimeOffset now) => now.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture);

    /// <summary>
    /// METHOD \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n SignedHeaders \n hex(SHA256(body)).
    /// <paramref name="headers"/> are the signed headers only; names in any case.
    /// </summary>
    public static string CanonicalRequest(
        string method, string escapedPath, string query, IEnumerable<KeyValuePair<string, string>> headers, ReadOnlySpan<byte> body)
    {
        var signed = headers
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: h.Value.Trim()))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();

        var builder = new StringBuilder()
            .Append(method.ToUpperInvariant()).Append('\n')
            .Append(CanonicalUri(escapedPath)).Append('\n')
            .Append(CanonicalQuery(query)).Append('\n');
        foreach (var (name, value) in signed)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }

        return builder.Append('\n')
            .Append(string.Join(';', signed.Select(h => h.Name))).Append('\n')
            .Append(Hex(SHA256.HashData(body)))
            .ToString();
    }

    public static string StringToSign(string canonicalRequest, string sdkDate) =>
        $"{Algorithm}\n{sdkDate}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";

    public static string Signature(string stringToSign, string secretKey) =>
        Hex(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secretKey), Encoding.UTF8.GetBytes(stringToSign)));

    public static string AuthorizationHeader(string accessKey, IEnumerable<string> signedHeaderNames, string signature) =>
        $"{Algorithm} Access={accessKey}, SignedHeaders={string.Join(';', signedHeaderNames.Select(n => n.ToLowerInvariant()).Order(StringComparer.Ordinal))}, Signature={signature}";

    /// <summary>Each segment decoded then percent-encoded per RFC 3986; always ends in "/".</summary>
    public static string CanonicalUri(string escapedPath)
    {
        var segments = escapedPath.Split('/').Select(s => Encode(Uri.UnescapeDataString(s)));
        var path = string.Join('/', segments);
        return path.EndsWith('/') ? path : path + "/";
    }

    /// <summary>Pairs sorted by key (then value), keys and values RFC 3986 encoded, space as %20.</summary>
    public static string CanonicalQuery(string query)
    {
        if (string.IsNullOrEmpty(query) || query == "?")
        {
            return "";
        }

        var pairs = query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair =>
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var key = eq < 0 ? pair : pair[..eq];
                var value = eq < 0 ? "" : pair[(eq + 1)..];
                return (Key: Encode(Decode(key)), Value: Encode(Decode(value)));
            })
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal);
        return string.Join('&', pairs.Select(p => $"{p.Key}={p.Value}"));
    }

    /// <summary>RFC 3986: everything but A–Z a–z 0–9 - _ . ~ as %XX with upper-case hex, over UTF-8.</summary>
    public static string Encode(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static string Decode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
