using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DrsBot.Tests.Fakes;

/// <summary>Loopback IAM: issues token-1, token-2, … for the one user it knows, slowly enough to overlap callers.</summary>
public sealed class FakeIam(string domain, string user, string password, string projectId) : LoopbackServer
{
    private int _issued;

    public int Issued => _issued;

    public int Requests;

    public string CurrentToken => $"token-{_issued}";

    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>For <see cref="FailNext"/>: the connection is dropped, with no answer at all (IAM unreachable).</summary>
    public const int DropConnection = 0;

    private int _failing;
    private int _failStatus;

    /// <summary>The next <paramref name="times"/> token requests fail with <paramref name="status"/> (IAM restarting, throttling).</summary>
    public void FailNext(int status, int times = 1) => (_failStatus, _failing) = (status, times);

    protected override void Map(WebApplication app) =>
        app.MapPost("/v3/auth/tokens", async (HttpContext http) =>
        {
            Interlocked.Increment(ref Requests);
            using var body = await JsonDocument.ParseAsync(http.Request.Body);
            await Task.Delay(Delay);
            if (Interlocked.Decrement(ref _failing) >= 0)
            {
                if (_failStatus == DropConnection)
                {
                    http.Abort();
                    return;
                }

                http.Response.StatusCode = _failStatus;
                await http.Response.WriteAsJsonAsync(new { error = new { code = "1199", message = "Service temporarily unavailable.", title = "Unavailable" } });
                return;
            }

            var identity = body.RootElement.GetProperty("auth").GetProperty("identity");
            var u = identity.GetProperty("password").GetProperty("user");
            var scope = body.RootElement.GetProperty("auth").GetProperty("scope").GetProperty("project").GetProperty("id").GetString();
            var ok = identity.GetProperty("methods")[0].GetString() == "password"
                     && u.GetProperty("name").GetString() == user
                     && u.GetProperty("password").GetString() == password
                     && u.GetProperty("domain").GetProperty("name").GetString() == domain
                     && scope == projectId;
            if (!ok)
            {
                http.Response.StatusCode = 401;
                await http.Response.WriteAsJsonAsync(new { error = new { code = "1101", message = "The username or password is wrong.", title = "Unauthorized" } });
                return;
            }

            var n = Interlocked.Increment(ref _issued);
            http.Response.StatusCode = 201;
            http.Response.Headers["X-Subject-Token"] = $"token-{n}";
            await http.Response.WriteAsJsonAsync(new { token = new { expires_at = DateTimeOffset.UtcNow.AddHours(24).ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", System.Globalization.CultureInfo.InvariantCulture), methods = new[] { "password" } } });
        });
}
