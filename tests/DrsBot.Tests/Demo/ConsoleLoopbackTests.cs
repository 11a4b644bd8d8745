using System.Net;
using DrsBot.Demo;
using Microsoft.AspNetCore.Http;
using Moq;

namespace DrsBot.Tests.Demo;

/// <summary>The console signs whatever it is sent, so it serves only requests from this machine.</summary>
public sealed class ConsoleLoopbackTests
{
    [Theory]
    [InlineData("127.0.0.1", 200)]
    [InlineData("::1", 200)]
    [InlineData("10.1.2.3", 403)]
    [InlineData("203.0.113.9", 403)]
    [InlineData("::ffff:198.51.100.7", 403)]
    [InlineData(null, 403)]
    public async Task Only_loopback_callers_reach_the_console(string? remote, int status)
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = remote is null ? null : IPAddress.Parse(remote);
        http.Request.Host = new HostString("localhost", 5080);
        var context = new Mock<EndpointFilterInvocationContext>();
        context.Setup(c => c.HttpContext).Returns(http);
        var reached = false;

        var result = await ConsoleEndpoints.LoopbackOnly(context.Object, _ =>
        {
            reached = true;
            return ValueTask.FromResult<object?>(Results.Ok());
        });

        Assert.Equal(status == 200, reached);
        Assert.Equal(status, ((IStatusCodeHttpResult)result!).StatusCode);
    }

    public static TheoryData<string?, string?, string?, int> ThroughHttp => new()
    {
        { "localhost", null, null, 200 },
        { "127.0.0.1", null, null, 200 },
        { "x.ngrok.app", null, null, 403 },             // a tunnel on this machine forwards its public name
        { "drsbot.example.com", null, null, 403 },
        { "localhost", "X-Forwarded-For", "127.0.0.1", 403 },
        { "localhost", "X-Forwarded-For", "203.0.113.9", 403 },
        { "localhost", "Forwarded", "for=127.0.0.1", 403 },
        { "localhost", "X-Forwarded-Host", "localhost", 403 },
    };

    [Theory]
    [MemberData(nameof(ThroughHttp))]
    public async Task Through_a_proxy_or_tunnel_the_console_is_forbidden(string? host, string? header, string? value, int status)
    {
        foreach (var forwardedHeadersEnabled in new[] { false, true })
        {
            await using var app = new DemoApp(settings: forwardedHeadersEnabled ? new() { ["FORWARDEDHEADERS_ENABLED"] = "true" } : null);
            using var http = new HttpClient();
            foreach (var path in new[] { "/", "/console/api/entries", "/console/api/scenarios" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(app.BaseUrl, path));
                request.Headers.Host = $"{host}:{app.BaseUrl.Port}";
                if (header is not null)
                {
                    request.Headers.Add(header, value);
                }

                using var response = await http.SendAsync(request);
                Assert.True(status == (int)response.StatusCode, $"{path} with Host {host}, {header}: {value}, forwarded headers {(forwardedHeadersEnabled ? "on" : "off")}: {(int)response.StatusCode}");
            }
        }
    }
}
