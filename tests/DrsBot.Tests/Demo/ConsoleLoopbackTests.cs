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
}
