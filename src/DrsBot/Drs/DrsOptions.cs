namespace DrsBot.Drs;

/// <summary>
/// The <c>Drs</c> configuration section: the default profile's settings, the timeouts every profile shares, and the
/// named profiles (<c>Drs:Profiles:&lt;name&gt;</c>), each a project of a region with its own credentials.
/// </summary>
public sealed class DrsOptions : DrsProfileOptions
{
    public const string Section = "Drs";

    /// <summary>More projects or regions, by name (1-32 of a-z, 0-9 and '-'); the top-level section is <c>default</c>.</summary>
    public Dictionary<string, DrsProfileOptions> Profiles { get; set; } = [];

    /// <summary>How long a slash command waits for DRS before acknowledging and answering via response_url.</summary>
    public TimeSpan InteractiveBudget { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Total time a slash command may spend on DRS, retries included; past the budget the answer goes to response_url.</summary>
    public TimeSpan InteractiveTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>One attempt of a slash command's DRS call.</summary>
    public TimeSpan InteractiveAttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Total time a background poll may spend on DRS, retries included.</summary>
    public TimeSpan BackgroundTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>One attempt of a background poll's DRS call.</summary>
    public TimeSpan BackgroundAttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Where one DRS profile is and how DrsBot signs in to it: the top-level <c>Drs</c> section, or a <c>Drs:Profiles:&lt;name&gt;</c>.</summary>
public class DrsProfileOptions
{
    /// <summary>The DRS endpoint, e.g. <c>https://drs.ap-southeast-1.myhuaweicloud.com</c>. Derived from Region when unset.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>A region such as <c>ap-southeast-1</c>: the easy way to set both DRS and IAM endpoints.</summary>
    public string? Region { get; set; }

    public string ProjectId { get; set; } = "";

    /// <summary>
    /// Where "Open in DRS console" leads: a URL template with <c>{region}</c>, <c>{project_id}</c> and <c>{job_id}</c>.
    /// Unset, it is DRS in the Huawei Cloud console of <see cref="Region"/>; with neither, the button is left out.
    /// </summary>
    public string? ConsoleUrl { get; set; }

    public const string DefaultConsoleUrl = "https://console-intl.huaweicloud.com/drs/?region={region}";

    /// <summary>The console link for one job, or null when there is none to give.</summary>
    public Uri? ConsoleLink(string jobId)
    {
        var template = string.IsNullOrWhiteSpace(ConsoleUrl) ? (string.IsNullOrWhiteSpace(Region) ? null : DefaultConsoleUrl) : ConsoleUrl;
        var url = template?
            .Replace("{region}", Uri.EscapeDataString(Region?.Trim() ?? ""), StringComparison.Ordinal)
            .Replace("{project_id}", Uri.EscapeDataString(ProjectId), StringComparison.Ordinal)
            .Replace("{job_id}", Uri.EscapeDataString(jobId), StringComparison.Ordinal);
        return Uri.TryCreate(url, UriKind.Absolute, out var link) && link.Scheme == Uri.UriSchemeHttps ? link : null;
    }

    /// <summary><c>en-us</c> or <c>zh-cn</c>: the language of DRS's error messages.</summary>
    public string Language { get; set; } = "en-us";

    public DrsAuthOptions Auth { get; set; } = new();

    public Uri? ResolvedEndpoint => Endpoint ?? (string.IsNullOrWhiteSpace(Region)
        ? null
        : new Uri($"https://drs.{Region.Trim()}.myhuaweicloud.com"));

    /// <summary>IAM for password tokens: configured, else the region's, else the global endpoint.</summary>
    public Uri ResolvedIamEndpoint => Auth.IamEndpoint ?? (string.IsNullOrWhiteSpace(Region)
        ? new Uri("https://iam.myhuaweicloud.com")
        : new Uri($"https://iam.{Region.Trim()}.myhuaweicloud.com"));
}

public enum DrsAuthMode
{
    /// <summary>A static X-Auth-Token.</summary>
    Token,
    /// <summary>An IAM user's password, exchanged for a project-scoped token.</summary>
    Password,
    /// <summary>Access key and secret key: every request signed with SDK-HMAC-SHA256 (Huawei's recommendation).</summary>
    AkSk,
}

/// <summary>The <c>Drs:Auth</c> section. Secrets here must never be logged or echoed.</summary>
public sealed class DrsAuthOptions
{
    public DrsAuthMode Mode { get; set; } = DrsAuthMode.Token;

    public string? Token { get; set; }

    public Uri? IamEndpoint { get; set; }

    public string? DomainName { get; set; }

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    public string? SecurityToken { get; set; }

    public override string ToString() => $"Mode={Mode}";
}
