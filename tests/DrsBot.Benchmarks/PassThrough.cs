using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace DrsBot.Benchmarks;

/// <summary>
/// The least a bot could do for a <c>/drs-progress</c> command: check the signature, make the one DRS GET, return
/// DRS's body. The ceiling DrsBot is measured against, served on its own (<c>serve passthrough</c>) and inside
/// DrsBot's production host (<see cref="HostedPassThrough"/>).
/// </summary>
internal sealed class PassThrough(Uri drs, string secret)
{
    private readonly HttpClient _client = new(new SocketsHttpHandler { MaxConnectionsPerServer = 1024 }) { BaseAddress = drs };
    private readonly byte[] _secret = Encoding.UTF8.GetBytes(secret);

    public async Task<IResult> HandleAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var ts = http.Request.Headers["X-Slack-Request-Timestamp"].ToString();
        var presented = http.Request.Headers["X-Slack-Signature"].ToString();
        var expected = "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(_secret, (byte[])[.. Encoding.UTF8.GetBytes($"v0:{ts}:"), .. body]));
        if (!long.TryParse(ts, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(presented)))
        {
            return Results.Unauthorized();
        }

        var ids = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body))["text"].ToString().Split(' ');
        using var answer = await _client.GetAsync($"v5/bench-project/jobs/{Uri.EscapeDataString(ids[0])}/compare-progress/{Uri.EscapeDataString(ids[1])}");
        return Results.Text(await answer.Content.ReadAsStringAsync(), "application/json");
    }
}
