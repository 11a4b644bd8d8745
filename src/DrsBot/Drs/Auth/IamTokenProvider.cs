using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using DrsBot.Infrastructure;
using DrsBot.Watching;
using Microsoft.Extensions.Options;

namespace DrsBot.Drs.Auth;

/// <summary>IAM refused to issue a token. The message is safe to show: it never contains the password.</summary>
public sealed class IamTokenException(DrsFailure failure)
    : Exception($"IAM refused to issue a token: {failure.Kind} {failure.Code}")
{
    public DrsFailure Failure { get; } = failure with { FromIam = true };
}

/// <summary>
/// <c>Drs:Auth:Mode=Password</c>: exchanges the IAM user's password for a project-scoped token
/// (<c>POST /v3/auth/tokens</c>) and caches it until an hour before it expires. Concurrent callers share one
/// request; a token DRS rejects early (password changed, user disabled) is dropped and fetched again once.
/// <c>nocatalog=true</c> leaves the service catalogue out of the answer, which keeps it far below the 64 KiB read cap.
/// </summary>
public sealed partial class IamTokenProvider(
    IHttpClientFactory clients, DrsProfileOptions profile, TimeProvider time, ILogger logger)
{
    public const string HttpClientName = "iam";
    private static readonly TimeSpan RefreshBeforeExpiry = TimeSpan.FromHours(1);

    /// <summary>After IAM refuses the credentials: no new login for this long, doubling up to <see cref="MaxBackoff"/>.</summary>
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(15);

    /// <summary>
    /// After IAM could not be reached, failed or throttled (its pipeline's retries spent): the calls of the next seconds
    /// share that failure, as concurrent callers share one login, instead of each knocking on a down IAM again.
    /// </summary>
    public static readonly TimeSpan PassingFailureHold = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private CachedToken? _cached;
    private Refusal? _refusal;

    public async Task<string> GetTokenAsync(CancellationToken ct)
    {
        if (Fresh(_cached) is { } token)
        {
            return token;
        }

        ThrowIfBackingOff();
        await _gate.WaitAsync(ct);
        try
        {
            // Whoever waited behind the fetch finds the new token (or the refusal) here instead of fetching again.
            if (Fresh(_cached) is { } fetched)
            {
                return fetched;
            }

            ThrowIfBackingOff();
            try
            {
                _cached = await FetchAsync(ct);
                _refusal = null;
                return _cached.Value;
            }
            catch (IamTokenException e) when (e.Failure.Kind == DrsFailureKind.CredentialsRejected)
            {
                // Logging in again on every DRS call (ten comparisons at 5 s: over a hundred a minute) is what IAM's
                // lockout policy locks an account for. Wait, and say so once.
                var backoff = _refusal is { Failure.Kind: DrsFailureKind.CredentialsRejected } before
                    ? TimeSpan.FromTicks(Math.Min(before.Backoff.Ticks * 2, MaxBackoff.Ticks))
                    : FirstBackoff;
                _refusal = new Refusal(e.Failure, time.GetTimestamp(), backoff);
                LogBackingOff(logger, backoff);
                throw;
            }
            catch (IamTokenException e) when (e.Failure.Kind is DrsFailureKind.Unreachable or DrsFailureKind.Timeout
                                                  or DrsFailureKind.ServiceError or DrsFailureKind.Throttled)
            {
                _refusal = new Refusal(e.Failure, time.GetTimestamp(), PassingFailureHold);
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private void ThrowIfBackingOff()
    {
        if (_refusal is { } refusal && time.GetElapsedTime(refusal.At) < refusal.Backoff)
        {
            throw new IamTokenException(refusal.Failure);
        }
    }

    /// <summary>Forgets <paramref name="rejected"/> if it is still the cached token (so N concurrent 401s refresh once).</summary>
    public void Invalidate(string rejected)
    {
        var cached = _cached;
        if (cached is not null && cached.Value == rejected)
        {
            Interlocked.CompareExchange(ref _cached, null, cached);
        }
    }

    private string? Fresh(CachedToken? token) =>
        token is not null && time.GetUtcNow() < token.RefreshAt ? token.Value : null;

    private async Task<CachedToken> FetchAsync(CancellationToken ct)
    {
        var auth = profile.Auth;
        var body = new TokenRequest(new TokenAuth(
            new Identity(["password"], new PasswordMethod(new IamUser(auth.UserName, auth.Password, new Named(auth.DomainName)))),
            new Scope(new ProjectRef(profile.ProjectId))));

        // A client per fetch (the factory pools handlers), since this provider lives as long as the process.
        HttpResponseMessage sent;
        try
        {
            sent = await clients.CreateClient(HttpClientName).PostAsJsonAsync(new Uri(profile.ResolvedIamEndpoint.AsBaseAddress(), "v3/auth/tokens?nocatalog=true"), body, IamJson.Default.TokenRequest, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or TaskCanceledException or Polly.Timeout.TimeoutRejectedException)
        {
            // IAM's failure, after its own retries: said as IAM's, and no longer an HttpRequestException, so DRS's
            // pipeline neither retries the whole call (three logins each time) nor counts it against DRS's breaker.
            LogUnreachable(logger, profile.ResolvedIamEndpoint.Host, e.GetType().Name);
            throw new IamTokenException(new DrsFailure(e is HttpRequestException ? DrsFailureKind.Unreachable : DrsFailureKind.Timeout,
                Message: "IAM could not be reached: check Drs:Auth:IamEndpoint and the network."));
        }

        using var response = sent;
        var requestId = HuaweiApiError.RequestId(response);
        if ((int)response.StatusCode is >= 300 and < 400)
        {
            // Not followed (a 307/308 would send the password wherever Location points): the address is wrong.
            LogRefused(logger, (int)response.StatusCode, null, requestId);
            throw new IamTokenException(new DrsFailure(DrsFailureKind.Rejected, (int)response.StatusCode,
                Message: $"IAM answered with a redirect (HTTP {(int)response.StatusCode}), which DrsBot does not follow: check Drs:Auth:IamEndpoint.",
                RequestId: requestId));
        }

        if (response.StatusCode != HttpStatusCode.Created && response.StatusCode != HttpStatusCode.OK)
        {
            var (code, message) = HuaweiApiError.Parse(await response.Content.ReadAsStringAsync(ct)) ?? (null, null);
            var failure = DrsFailure.FromResponse((int)response.StatusCode, code, message, requestId);
            // Any refusal of the user's own credentials means the same to a person: check Drs:Auth. So does a 404: no
            // token API at Drs:Auth:IamEndpoint.
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.BadRequest)
            {
                failure = failure with { Kind = DrsFailureKind.CredentialsRejected };
            }
            else if (response.StatusCode is HttpStatusCode.NotFound)
            {
                failure = failure with
                {
                    Kind = DrsFailureKind.CredentialsRejected,
                    Message = "IAM has no token API at this address (HTTP 404): check Drs:Auth:IamEndpoint.",
                };
            }

            LogRefused(logger, (int)response.StatusCode, code, requestId);
            throw new IamTokenException(failure);
        }

        var token = response.Headers.TryGetValues("X-Subject-Token", out var tokens) ? tokens.FirstOrDefault() : null;
        if (string.IsNullOrEmpty(token))
        {
            throw new IamTokenException(new DrsFailure(DrsFailureKind.InvalidResponse, (int)response.StatusCode,
                Message: "IAM answered without an X-Subject-Token header.", RequestId: requestId));
        }

        var now = time.GetUtcNow();
        var expiresAt = await ReadExpiryAsync(response, ct) ?? now.AddHours(24);
        var refreshAt = expiresAt - RefreshBeforeExpiry > now ? expiresAt - RefreshBeforeExpiry : now + (expiresAt - now) / 2;
        LogIssued(logger, expiresAt, requestId);
        return new CachedToken(token, refreshAt);
    }

    private static async Task<DateTimeOffset?> ReadExpiryAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var body = await response.Content.ReadFromJsonAsync(IamJson.Default.TokenBody, ct);
            return body?.Token?.ExpiresAt;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record CachedToken(string Value, DateTimeOffset RefreshAt);

    private sealed record Refusal(DrsFailure Failure, long At, TimeSpan Backoff);

    private sealed record TokenBody([property: JsonPropertyName("token")] TokenInfo? Token);

    private sealed record TokenInfo([property: JsonPropertyName("expires_at")] DateTimeOffset? ExpiresAt);

    // IAM's password-token request (POST /v3/auth/tokens). Never logged: it carries the password.
    private sealed record TokenRequest(TokenAuth Auth);

    private sealed record TokenAuth(Identity Identity, Scope Scope);

    private sealed record Identity(string[] Methods, PasswordMethod Password);

    private sealed record PasswordMethod(IamUser User);

    private sealed record IamUser(string? Name, string? Password, Named Domain)
    {
        public override string ToString() => $"IamUser {{ Name = {Name}, Domain = {Domain} }}"; // never the password
    }

    private sealed record Named(string? Name);

    private sealed record Scope(ProjectRef Project);

    private sealed record ProjectRef(string? Id);

    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
    [JsonSerializable(typeof(TokenRequest))]
    [JsonSerializable(typeof(TokenBody))]
    private sealed partial class IamJson : JsonSerializerContext;

    [LoggerMessage(Level = LogLevel.Warning, Message = "IAM at {Host} could not be reached ({Error}); DRS calls of this profile fail until it can")]
    private static partial void LogUnreachable(ILogger logger, string host, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Got an IAM token valid until {ExpiresAt:u} (request {RequestId})")]
    private static partial void LogIssued(ILogger logger, DateTimeOffset expiresAt, string? requestId);

    [LoggerMessage(Level = LogLevel.Error, Message = "IAM refused DrsBot's credentials; no new login for {Backoff}, and DRS calls fail at once meanwhile. Fix Drs:Auth (user, domain, password)")]
    private static partial void LogBackingOff(ILogger logger, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "IAM refused a token: HTTP {Status}, code {Code} (request {RequestId})")]
    private static partial void LogRefused(ILogger logger, int status, string? code, string? requestId);
}

/// <summary>One IAM token provider per profile that signs in with a password: one profile's refused password never holds another's calls.</summary>
public sealed class IamTokenProviders(IHttpClientFactory clients, TimeProvider time, ILoggerFactory loggers)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IamTokenProvider> _providers = new(StringComparer.Ordinal);

    /// <summary>The provider of the profile <paramref name="name"/>, signing in with that profile's own <paramref name="settings"/>.</summary>
    public IamTokenProvider For(string name, DrsProfileOptions settings) => _providers.GetOrAdd(name, static (_, made) =>
        new IamTokenProvider(made.clients, made.settings, made.time, made.loggers.CreateLogger<IamTokenProvider>()), (clients, settings, time, loggers));
}

/// <summary>
/// <c>Auth:Mode=Password</c>: adds the profile's cached IAM token; on a 401 from DRS, drops it and retries once with a
/// new one. A request of a profile that signs in otherwise passes on untouched.
/// </summary>
internal sealed class IamTokenHandler(IamTokenProviders providers, IOptions<DrsOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var settings = DrsRequest.ProfileOf(request) ?? options.Value;
        // Another mode's request is handed on as it is, without a state machine of this handler's around it.
        return settings.Auth.Mode == DrsAuthMode.Password ? SendWithTokenAsync(request, settings, ct) : base.SendAsync(request, ct);
    }

    private async Task<HttpResponseMessage> SendWithTokenAsync(HttpRequestMessage request, DrsProfileOptions settings, CancellationToken ct)
    {
        var tokens = providers.For(DrsRequest.ProfileNameOf(request), settings);
        var token = await tokens.GetTokenAsync(ct);
        var response = await SendWithAsync(request, token, ct);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        response.Dispose();
        tokens.Invalidate(token);
        return await SendWithAsync(request, await tokens.GetTokenAsync(ct), ct);
    }

    private Task<HttpResponseMessage> SendWithAsync(HttpRequestMessage request, string token, CancellationToken ct)
    {
        request.Headers.Remove("X-Auth-Token");
        request.Headers.TryAddWithoutValidation("X-Auth-Token", token);
        return base.SendAsync(request, ct);
    }
}
