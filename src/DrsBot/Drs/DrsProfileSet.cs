using DrsBot.Infrastructure;
using DrsBot.Watching;
using Microsoft.Extensions.Options;

namespace DrsBot.Drs;

/// <summary>One DRS profile as the DRS edge calls it: its settings, with the address and project worked out once.</summary>
public sealed class DrsProfile
{
    internal DrsProfile(string name, DrsProfileOptions options)
    {
        Name = name;
        Options = options;
        Project = Uri.EscapeDataString(options.ProjectId);
        // Without its query and fragment, as combining a path with a base address drops them.
        BaseAddress = options.ResolvedEndpoint is { } endpoint ? new Uri(endpoint.GetLeftPart(UriPartial.Path)).AsBaseAddress().AbsoluteUri : null;
    }

    public string Name { get; }

    public DrsProfileOptions Options { get; }

    /// <summary>The project id, escaped for a path.</summary>
    internal string Project { get; }

    /// <summary>DRS's address with a closing '/', each path written after it; null only without an endpoint, which start-up refuses.</summary>
    internal string? BaseAddress { get; }

    public bool IsDefault => Name == ComparisonRef.DefaultProfile;
}

/// <summary>
/// The configured DRS profiles by name: <c>default</c> (the top-level <c>Drs</c> section) and each
/// <c>Drs:Profiles:&lt;name&gt;</c>. Built once from the validated options.
/// </summary>
public sealed class DrsProfileSet(IOptions<DrsOptions> options)
{
    private Dictionary<string, DrsProfile>? _profiles;

    private Dictionary<string, DrsProfile> Profiles => _profiles ??= new Dictionary<string, DrsProfile>(
        options.Value.Profiles.Where(p => p.Key != ComparisonRef.DefaultProfile).Select(p => KeyValuePair.Create(p.Key, new DrsProfile(p.Key, p.Value)))
            .Append(KeyValuePair.Create(ComparisonRef.DefaultProfile, new DrsProfile(ComparisonRef.DefaultProfile, options.Value))),
        StringComparer.Ordinal);

    /// <summary>The profile by name (null: the default one); null when none is configured by that name.</summary>
    public DrsProfile? Find(string? name) => Profiles.GetValueOrDefault(name ?? ComparisonRef.DefaultProfile);

    public DrsProfile Default => Profiles[ComparisonRef.DefaultProfile];

    public IEnumerable<DrsProfile> All => Profiles.Values;

    /// <summary>"Open in DRS console" for a job of the profile, in the profile's region; null when there is none to give.</summary>
    public Uri? ConsoleLink(string? profile, string jobId) => Find(profile)?.Options.ConsoleLink(jobId);
}
