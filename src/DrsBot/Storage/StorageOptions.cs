using DrsBot.Infrastructure;



namespace DrsBot.Storage;

public enum StorageKind
{
    /// <summary>In this process's memory: exactly one replica, and a restart forgets every watch.</summary>
    InMemory,

    /// <summary>PostgreSQL at <c>ConnectionStrings:Hangfire</c>: survives restarts, shared by any number of replicas.</summary>
    PostgreSql,
}

/// <summary>The <c>Hangfire</c> section: where jobs and watches are kept.</summary>
public sealed class StorageOptions
{
    public const string Section = "Hangfire";
    public const string ConnectionStringName = "Hangfire";

    public StorageKind Storage { get; set; } = StorageKind.InMemory;

    /// <summary>From <c>ConnectionStrings:Hangfire</c>, the usual place for it; not bound from this section.</summary>
    public string? ConnectionString { get; internal set; }
}

internal sealed class StorageOptionsValidator : KeyedOptionsValidator<StorageOptions>
{
    protected override void Check(StorageOptions options, List<string> problems)
    {
        if (options.Storage == StorageKind.PostgreSql)
        {
            Require(problems, options.ConnectionString, "ConnectionStrings:Hangfire (needed because Hangfire:Storage is PostgreSql)");
        }
    }
}
