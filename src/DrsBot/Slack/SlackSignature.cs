using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DrsBot.Slack;

/// <summary>
/// Slack's v0 request signature: <c>v0=hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" + body))</c>,
/// accepted only within five minutes of our clock so a captured request cannot be replayed later.
/// </summary>
public static class SlackSignature
{
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromSeconds(300);
    private const string Prefix = "v0=";

    public static string Compute(string signingSecret, string timestamp, ReadOnlySpan<byte> body)
    {
        var hash = ComputeHash(signingSecret, timestamp, body);
        return Prefix + Convert.ToHexStringLower(hash);
    }

    public static bool IsValid(
        string signingSecret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(signingSecret) || !HeadersAcceptable(timestamp, signature, now))
        {
            return false;
        }

        var presented = Convert.FromHexString(signature.AsSpan(Prefix.Length));
        var expected = ComputeHash(signingSecret, timestamp, body);
        return CryptographicOperations.FixedTimeEquals(expected, presented);
    }

    /// <summary>
    /// What can be judged before reading a byte of the body: a fresh timestamp and a well-formed signature. Anything
    /// failing here is refused without spending a read or an HMAC on it.
    /// </summary>
    public static bool HeadersAcceptable([NotNullWhen(true)] string? timestamp, [NotNullWhen(true)] string? signature, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return false;
        }

        if (timestamp.Length > 12 || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > ReplayWindow.TotalSeconds)
        {
            return false;
        }

        return signature.StartsWith(Prefix, StringComparison.Ordinal) && signature.Length == Prefix.Length + 64
               && signature.AsSpan(Prefix.Length).ContainsAnyExcept(HexDigits) is false;
    }

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    private static byte[] ComputeHash(string signingSecret, string timestamp, ReadOnlySpan<byte> body)
    {
        var header = Encoding.UTF8.GetBytes($"v0:{timestamp}:");
        var message = new byte[header.Length + body.Length];
        header.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(header.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingSecret), message);
    }
}
