using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DrsBot.Infrastructure;

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

    // ---------- the same signature for the request DrsBot sends on every command and poll ----------

    private static readonly SearchValues<char> SimplePathChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~/");

    /// <summary>hex(SHA256("")): the body hash of a request without one.</summary>
    private static ReadOnlySpan<byte> EmptyBodyHash => "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"u8;

    /// <summary>
    /// A path that <see cref="CanonicalUri"/> hands back as it is (plus a final "/"): nothing but unreserved
    /// characters and slashes, so nothing to decode or encode. Every compare-progress path is one: ids are
    /// letters, digits, '-' and '_'.
    /// </summary>
    public static bool IsSimplePath(ReadOnlySpan<char> path) => path.Length > 0 && !path.ContainsAnyExcept(SimplePathChars);

    /// <summary>
    /// The Authorization header for a request with a simple path (<see cref="IsSimplePath"/>), no query and no body,
    /// signing content-type (when set), host, x-project-id, x-sdk-date and x-security-token (when set): exactly what
    /// <see cref="CanonicalRequest"/>, <see cref="StringToSign"/>, <see cref="Signature"/> and
    /// <see cref="AuthorizationHeader"/> make of it, written into one pooled buffer and hashed on the stack (the secret
    /// key wiped after, by SecretHmac), because those general steps build every piece as its own string and array.
    /// </summary>
    public static string AuthorizationForSimpleRequest(
        string method, string path, string? contentType, string host, string projectId, string sdkDate, string? securityToken,
        string accessKey, string secretKey)
    {
        var canonical = new Utf8Text(
            method.Length + path.Length + (contentType?.Length ?? 0) + host.Length + projectId.Length + sdkDate.Length + (securityToken?.Length ?? 0) + 256);
        Span<byte> hash = stackalloc byte[32];
        Span<byte> hex = stackalloc byte[64];
        try
        {
            canonical.Append(method.ToUpperInvariant(), "\n");
            canonical.Append(path, path.EndsWith('/') ? "\n\n" : "/\n\n");
            if (contentType is not null)
            {
                canonical.Header("content-type:", contentType);
            }

            canonical.Header("host:", host);
            canonical.Header("x-project-id:", projectId);
            canonical.Header("x-sdk-date:", sdkDate);
            if (securityToken is not null)
            {
                canonical.Header("x-security-token:", securityToken);
            }

            var names = SignedNames(contentType is not null, securityToken is not null);
            canonical.Append("\n", names);
            canonical.Append("\n", "");
            canonical.Append(EmptyBodyHash);

            SHA256.HashData(canonical.Written, hash);
            Convert.TryToHexStringLower(hash, hex, out _);
            canonical.Clear();
            canonical.Append(Algorithm, "\n");
            canonical.Append(sdkDate, "\n");
            canonical.Append(hex);
            SecretHmac.Sha256(secretKey, canonical.Written, hash);

            Span<char> signature = stackalloc char[64];
            Convert.TryToHexStringLower(hash, signature, out _);
            return string.Create(CultureInfo.InvariantCulture, $"{Algorithm} Access={accessKey}, SignedHeaders={names}, Signature={signature}");
        }
        finally
        {
            canonical.Dispose();
        }
    }

    private static string SignedNames(bool contentType, bool securityToken) => (contentType, securityToken) switch
    {
        (true, true) => "content-type;host;x-project-id;x-sdk-date;x-security-token",
        (true, false) => "content-type;host;x-project-id;x-sdk-date",
        (false, true) => "host;x-project-id;x-sdk-date;x-security-token",
        (false, false) => "host;x-project-id;x-sdk-date",
    };

    /// <summary>UTF-8 text in an array lent by the pool; big enough from the start, as its caller sizes it.</summary>
    private ref struct Utf8Text(int capacity)
    {
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(capacity * 3);
        private int _length;

        public readonly ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

        public void Append(ReadOnlySpan<char> text, ReadOnlySpan<char> then)
        {
            _length += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_length));
            _length += Encoding.UTF8.GetBytes(then, _buffer.AsSpan(_length));
        }

        public void Append(scoped ReadOnlySpan<byte> utf8)
        {
            utf8.CopyTo(_buffer.AsSpan(_length));
            _length += utf8.Length;
        }

        /// <summary>"name:value\n", the value trimmed as <see cref="CanonicalRequest"/> trims it.</summary>
        public void Header(string name, string value)
        {
            Append(name, value.AsSpan().Trim());
            Append("\n", "");
        }

        public void Clear() => _length = 0;

        public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer, clearArray: true); // it held the security token
    }

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
