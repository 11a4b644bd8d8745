using System.Security.Cryptography;
using System.Text;

namespace DrsBot.Infrastructure;

/// <summary>
/// HMAC-SHA256 keyed by a secret from configuration (Slack's signing secret, a DRS secret key): the secret's UTF-8
/// bytes live on the stack (a long one in an array) and are wiped when the hash is made, so no copy of the secret is
/// left for the garbage collector, and hashing allocates nothing.
/// </summary>
public static class SecretHmac
{
    public static void Sha256(string secret, ReadOnlySpan<byte> message, Span<byte> hash)
    {
        var keyLength = Encoding.UTF8.GetByteCount(secret);
        var key = keyLength <= 256 ? stackalloc byte[keyLength] : new byte[keyLength];
        try
        {
            Encoding.UTF8.GetBytes(secret, key);
            HMACSHA256.HashData(key, message, hash);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
