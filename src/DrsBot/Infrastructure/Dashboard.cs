using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.Extensions.Options;

namespace DrsBot.Infrastructure;

/// <summary>The <c>Hangfire:Dashboard</c> section. Off unless enabled; then read-only behind HTTP basic auth.</summary>
public sealed class DashboardSettings
{
    public const string Section = "Hangfire:Dashboard";
    public const int MinPasswordLength = 16;

    public bool Enabled { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }
}

internal sealed class DashboardSettingsValidator : KeyedOptionsValidator<DashboardSettings>
{
    protected override void Check(DashboardSettings options, List<string> problems)
    {
        if (!options.Enabled)
        {
            return;
        }

        Require(problems, options.Username, "Hangfire:Dashboard:Username (needed because Hangfire:Dashboard:Enabled is true)");
        if (options.Password is not { Length: >= DashboardSettings.MinPasswordLength })
        {
            problems.Add($"Hangfire:Dashboard:Password must be at least {DashboardSettings.MinPasswordLength} characters when Hangfire:Dashboard:Enabled is true");
        }
    }
}

public static class Dashboard
{
    public const string Path = "/hangfire";

    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddOptions<DashboardSettings>().BindConfiguration(DashboardSettings.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DashboardSettings>, DashboardSettingsValidator>();
        return services;
    }

    /// <summary>Hangfire's dashboard at /hangfire when enabled: read-only (no triggering, deleting or retrying jobs).</summary>
    public static WebApplication UseDashboard(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<IOptions<DashboardSettings>>().Value;
        if (settings.Enabled)
        {
            app.UseHangfireDashboard(Path, new DashboardOptions
            {
                Authorization = [new BasicAuthentication(settings.Username!, settings.Password!)],
                IsReadOnlyFunc = _ => true,
                DisplayStorageConnectionString = false,
                DashboardTitle = "DrsBot jobs",
            });
        }

        return app;
    }

    private sealed class BasicAuthentication(string username, string password) : IDashboardAuthorizationFilter
    {
        private readonly byte[] _expected = Encoding.UTF8.GetBytes($"{username}:{password}");

        public bool Authorize(DashboardContext context)
        {
            var http = context.GetHttpContext();
            if (AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization, out var header)
                && header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)
                && TryDecode(header.Parameter, out var given)
                && CryptographicOperations.FixedTimeEquals(given, _expected))
            {
                return true;
            }

            // Hangfire answers 401; the challenge makes a browser ask for the credentials.
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"DrsBot Hangfire\", charset=\"UTF-8\"";
            return false;
        }

        private static bool TryDecode(string? parameter, out byte[] bytes)
        {
            bytes = [];
            if (parameter is null)
            {
                return false;
            }

            var buffer = new byte[parameter.Length];
            if (!Convert.TryFromBase64String(parameter, buffer, out var written))
            {
                return false;
            }

            bytes = buffer[..written];
            return true;
        }
    }
}
