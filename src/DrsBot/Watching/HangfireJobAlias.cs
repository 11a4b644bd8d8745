using Hangfire.Common;

namespace DrsBot.Watching;

/// <summary>
/// A job type Hangfire's storage knows by an older name. Recurring jobs are stored with their type's name, so a class
/// that moves namespace would otherwise leave every job scheduled before the move unrunnable after an upgrade.
/// </summary>
public sealed record HangfireJobAlias(string OldTypeName, Type Type)
{
    /// <summary>Hangfire's type resolver, with the aliases first.</summary>
    public static Func<string, Type> Resolver(IEnumerable<HangfireJobAlias> aliases)
    {
        var known = aliases.ToDictionary(a => a.OldTypeName, a => a.Type, StringComparer.Ordinal);
        return name =>
        {
            var comma = name.IndexOf(',', StringComparison.Ordinal);
            return known.TryGetValue((comma < 0 ? name : name[..comma]).Trim(), out var type) ? type : TypeHelper.DefaultTypeResolver(name);
        };
    }
}
