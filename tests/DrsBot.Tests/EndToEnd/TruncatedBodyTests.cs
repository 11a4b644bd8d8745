using System.Globalization;
using System.Net.Sockets;
using System.Text;
using DrsBot.Tests.Fakes;

namespace DrsBot.Tests.EndToEnd;

/// <summary>What only real Kestrel shows: a body that stops short of the length it declared (read as exactly that many bytes).</summary>
public sealed class TruncatedBodyTests
{
    [Fact]
    public async Task A_body_cut_short_of_its_content_length_gets_400_and_no_drs_call()
    {
        await using var drs = new FakeDrs();
        await drs.StartAsync();
        drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 40));
        await using var bot = await BotProcess.StartAsync(BotProcess.Settings(drs));

        // Signed for the whole body, which declares its full length, but only half of it is sent.
        var body = DrsBotApp.CommandBody("job-1 cmp-1", "C0CUT");
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = $"POST /slack/commands HTTP/1.1\r\nHost: {bot.BaseUrl.Authority}\r\n" +
                   "Content-Type: application/x-www-form-urlencoded\r\n" +
                   $"Content-Length: {bytes.Length}\r\n" +
                   $"X-Slack-Request-Timestamp: {ts.ToString(CultureInfo.InvariantCulture)}\r\n" +
                   $"X-Slack-Signature: {DrsBotApp.Sign(body, ts)}\r\n\r\n";

        using var client = new TcpClient();
        await client.ConnectAsync(bot.BaseUrl.Host, bot.BaseUrl.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
        client.Client.Shutdown(SocketShutdown.Send);

        using var reader = new StreamReader(stream, Encoding.ASCII);
        // Kestrel either answers 400 or, the client having stopped sending, just closes: never a 500, never a reply.
        var status = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(status is null || status.StartsWith("HTTP/1.1 400", StringComparison.Ordinal), status);
        Assert.Empty(drs.Requests);
        Assert.DoesNotContain("\"LogLevel\":\"Error\"", bot.Output, StringComparison.Ordinal);

        // The process is unharmed: the whole command, sent properly, is answered and reaches DRS. (A process this new
        // on a busy machine may answer with the acknowledgement and post the card later; there is no Slack here to
        // receive it, so either answer counts.)
        var reply = (await bot.CommandAsync("job-1 cmp-1", "C0CUT")).ToString();
        Assert.True(reply.Contains("40 %", StringComparison.Ordinal) || reply.Contains(":hourglass_flowing_sand:", StringComparison.Ordinal), reply);
        await drs.WaitForCallsAsync("job-1", "cmp-1", 1);
    }
}
