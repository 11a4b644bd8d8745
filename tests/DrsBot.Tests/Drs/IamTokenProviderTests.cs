using System.Net;
using DrsBot.Drs;
using DrsBot.Drs.Auth;
using DrsBot.Tests.Deployment;
using DrsBot.Watching;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace DrsBot.Tests.Drs;

/// <summary>The IAM token cache against a fake clock: reused, refreshed before expiry, dropped when rejected.</summary>
public sealed class IamTokenProviderTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero));
    private readonly List<string> _issued = [];
    private TimeSpan _lifetime = TimeSpan.FromHours(24);
    private bool _refuse;
    private int _attempts;

    private IamTokenProvider Provider()
    {
        var handler = new StubHandler(() =>
        {
            _attempts++;
            if (_refuse)
            {
                return new HttpResponseMessage(HttpStatusCode.Unauthorized)
                {
                    Content = new StringContent("""{"error":{"code":"1101","message":"The username or password is wrong."}}"""),
                };
            }

            var token = $"token-{_issued.Count + 1}";
            _issued.Add(token);
            var expires = _time.GetUtcNow() + _lifetime;
            var response = new HttpResponseMessage(HttpStatusCode.Created)
            {
                Content = new StringContent(
                    "{\"token\":{\"expires_at\":\"" + expires.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", System.Globalization.CultureInfo.InvariantCulture) + "\"}}",
                    System.Text.Encoding.UTF8, "application/json"),
            };
            response.Headers.Add("X-Subject-Token", token);
            return response;
        });
        var clients = new Mock<IHttpClientFactory>();
        clients.Setup(f => f.CreateClient(IamTokenProvider.HttpClientName))
            .Returns(() => new HttpClient(handler, disposeHandler: false) { BaseAddress = new Uri("https://iam.example.com/") });
        var options = Options.Create(new DrsOptions
        {
            ProjectId = "p",
            Auth = new DrsAuthOptions { Mode = DrsAuthMode.Password, DomainName = "d", UserName = "u", Password = "pw" },
        });
        return new IamTokenProvider(clients.Object, options.Value, _time, NullLogger<IamTokenProvider>.Instance);
    }

    [Fact]
    public async Task A_refused_password_waits_one_minute_then_two_up_to_fifteen_and_a_success_resets_it()
    {
        var provider = Provider();
        _refuse = true;

        async Task<int> AttemptsOver(TimeSpan span)
        {
            var before = _attempts;
            for (var t = TimeSpan.Zero; t < span; t += TimeSpan.FromSeconds(5))
            {
                var e = await Assert.ThrowsAsync<IamTokenException>(() => provider.GetTokenAsync(CancellationToken.None));
                Assert.Equal(DrsFailureKind.CredentialsRejected, e.Failure.Kind);
                _time.Advance(TimeSpan.FromSeconds(5));
            }

            return _attempts - before;
        }

        Assert.Equal(1, await AttemptsOver(TimeSpan.FromMinutes(1)));   // then nothing for a minute
        Assert.Equal(1, await AttemptsOver(TimeSpan.FromMinutes(2)));   // then two
        Assert.Equal(1, await AttemptsOver(TimeSpan.FromMinutes(4)));   // four, eight, and never more than fifteen
        Assert.Equal(1, await AttemptsOver(TimeSpan.FromMinutes(8)));
        Assert.Equal(1, await AttemptsOver(TimeSpan.FromMinutes(15)));
        Assert.Equal(1, await AttemptsOver(TimeSpan.FromMinutes(15)));

        _refuse = false; // the operator fixed Drs:Auth; the next login after the wait works and resets the back-off
        _time.Advance(TimeSpan.FromMinutes(15));
        Assert.StartsWith("token-", await provider.GetTokenAsync(CancellationToken.None));
        provider.Invalidate(await provider.GetTokenAsync(CancellationToken.None));
        _refuse = true;
        Assert.Equal(1, await AttemptsOver(TimeSpan.FromMinutes(1))); // one minute again, not thirty
    }

    [Fact]
    public async Task A_token_is_reused_until_an_hour_before_it_expires()
    {
        var provider = Provider();
        Assert.Equal("token-1", await provider.GetTokenAsync(CancellationToken.None));

        _time.Advance(TimeSpan.FromHours(22.9));
        Assert.Equal("token-1", await provider.GetTokenAsync(CancellationToken.None));

        _time.Advance(TimeSpan.FromHours(0.2)); // 23.1 h: inside the last hour
        Assert.Equal("token-2", await provider.GetTokenAsync(CancellationToken.None));
        Assert.Equal(2, _issued.Count);
    }

    [Fact]
    public async Task A_short_lived_token_is_refreshed_at_half_its_life()
    {
        _lifetime = TimeSpan.FromMinutes(40);
        var provider = Provider();
        await provider.GetTokenAsync(CancellationToken.None);

        _time.Advance(TimeSpan.FromMinutes(19));
        Assert.Equal("token-1", await provider.GetTokenAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("token-2", await provider.GetTokenAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Invalidating_drops_only_the_token_that_was_rejected()
    {
        var provider = Provider();
        await provider.GetTokenAsync(CancellationToken.None);

        provider.Invalidate("token-1");
        Assert.Equal("token-2", await provider.GetTokenAsync(CancellationToken.None));

        provider.Invalidate("token-1"); // a late 401 for the old token must not throw away the new one
        Assert.Equal("token-2", await provider.GetTokenAsync(CancellationToken.None));
        Assert.Equal(2, _issued.Count);
    }

    private sealed class StubHandler(Func<HttpResponseMessage> respond) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
            Task.FromResult(respond());
    }
}
