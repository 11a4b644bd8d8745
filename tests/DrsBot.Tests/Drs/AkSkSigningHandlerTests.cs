using System.Net;
using System.Net.Http.Headers;
using DrsBot.Drs;
using DrsBot.Drs.Auth;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DrsBot.Tests.Drs;

public sealed class AkSkSigningHandlerTests
{
    [Fact]
    public async Task Each_attempt_is_signed_with_the_clock_at_that_moment()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2019, 11, 15, 3, 36, 55, TimeSpan.Zero));
        var seen = new List<HttpRequestMessage>();
        var handler = new AkSkSigningHandler(
            Options.Create(new DrsOptions { ProjectId = "proj", Auth = new() { Mode = DrsAuthMode.AkSk, AccessKey = "AK", SecretKey = "SK" } }), time)
        {
            InnerHandler = new Recorder(seen),
        };
        using var invoker = new HttpMessageInvoker(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://drs.example.com/v5/proj/jobs/j/compare-progress/c")
        {
            Content = new ByteArrayContent([]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        await invoker.SendAsync(request, CancellationToken.None);
        var first = request.Headers.GetValues("Authorization").Single();
        Assert.Equal("20191115T033655Z", request.Headers.GetValues("X-Sdk-Date").Single());
        Assert.Equal("proj", request.Headers.GetValues("X-Project-Id").Single());
        Assert.Equal("drs.example.com", request.Headers.Host);
        Assert.StartsWith("SDK-HMAC-SHA256 Access=AK, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=", first, StringComparison.Ordinal);

        time.Advance(TimeSpan.FromSeconds(1)); // a retry a second later
        await invoker.SendAsync(request, CancellationToken.None);
        Assert.Equal("20191115T033656Z", request.Headers.GetValues("X-Sdk-Date").Single());
        Assert.NotEqual(first, request.Headers.GetValues("Authorization").Single());
        Assert.Single(request.Headers.GetValues("Authorization"));
    }

    private sealed class Recorder(List<HttpRequestMessage> seen) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            seen.Add(request);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
