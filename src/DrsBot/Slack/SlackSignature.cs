using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DrsBot.Infrastructure;

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
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        ComputeHash(signingSecret, timestamp, body, hash);
        return Prefix + Convert.ToHexStringLower(hash);
    }

    public static bool IsValid(
        string signingSecret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(signingSecret) || !HeadersAcceptable(timestamp, signature, now))
        {
            return false;
        }

        Span<byte> presented = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Convert.FromHexString(signature.AsSpan(Prefix.Length), presented, out _, out _); // 64 hex digits: checked above
        ComputeHash(signingSecret, timestamp, body, expected);
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

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>
    /// The HMAC over "v0:{timestamp}:{body}", which it wants as one span: built in a pooled buffer (a request is up to
    /// Slack:MaxRequestBytes), with the key on the stack and wiped after (SecretHmac), so verifying allocates nothing.
    /// </summary>
    private static void ComputeHash(string signingSecret, string timestamp, ReadOnlySpan<byte> body, Span<byte> hash)
    {
        var headerLength = Encoding.UTF8.GetByteCount(timestamp) + 4; // "v0:" and ":"
        var message = ArrayPool<byte>.Shared.Rent(headerLength + body.Length);
        try
        {
            var header = message.AsSpan(0, headerLength);
            "v0:"u8.CopyTo(header);
            Encoding.UTF8.GetBytes(timestamp, header[3..]);
            header[^1] = (byte)':';
            body.CopyTo(message.AsSpan(headerLength));
            SecretHmac.Sha256(signingSecret, message.AsSpan(0, headerLength + body.Length), hash);
        }
        finally
        {
            // Cleared: the body carries the response_url, a credential for its conversation, and the pool is shared.
            ArrayPool<byte>.Shared.Return(message, clearArray: true);
        }
    }
}
