using Xunit.Abstractions;
using Xunit.Sdk;

namespace DrsBot.Tests.Services;

/// <summary>
/// Tests that need something beyond the .NET SDK (a PostgreSQL server, Chromium) skip on a machine without it,
/// saying how to enable them, so the README's test command passes anywhere. CI sets
/// <c>DRSBOT_REQUIRE_SERVICES=1</c> after installing both: there they run, and fail rather than skip.
/// </summary>
public static class TestServices
{
    public const string RequireVariable = "DRSBOT_REQUIRE_SERVICES";

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    public const string ChromiumPath = "/usr/bin/chromium";

    public static string? ChromiumSkip =>
        Required || File.Exists(ChromiumPath) ? null : $"needs Chromium at {ChromiumPath} (apt-get install -y chromium); .ci/run installs it and sets {RequireVariable}=1";

    public static string? PostgresSkip =>
        Required || PostgresServer.CanStart ? null
            : $"needs PostgreSQL: apt-get install -y postgresql, or set {PostgresServer.ConnectionVariable} to a server's connection string; .ci/run installs it and sets {RequireVariable}=1";
}

public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute() => Skip = TestServices.ChromiumSkip;
}

public sealed class ChromiumTheoryAttribute : TheoryAttribute
{
    public ChromiumTheoryAttribute() => Skip = TestServices.ChromiumSkip;
}

public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute() => Skip = TestServices.PostgresSkip;
}

public sealed class PostgresTheoryAttribute : TheoryAttribute
{
    public PostgresTheoryAttribute() => Skip = TestServices.PostgresSkip;
}

/// <summary>Marks a test class whose inherited <see cref="StoreFactAttribute"/> tests need PostgreSQL.</summary>
public interface INeedPostgres;

/// <summary>
/// A fact in an abstract contract class: it runs once per concrete class, and skips in the classes marked
/// <see cref="INeedPostgres"/> when no PostgreSQL server is at hand.
/// </summary>
[XunitTestCaseDiscoverer("DrsBot.Tests.Services.StoreFactDiscoverer", "DrsBot.Tests")]
public sealed class StoreFactAttribute : FactAttribute;

public sealed class StoreFactDiscoverer(IMessageSink diagnostics) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions options, ITestMethod method, IAttributeInfo fact)
    {
        yield return new StoreTestCase(diagnostics, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), method);
    }
}

public sealed class StoreTestCase : XunitTestCase
{
    [Obsolete("For deserialization only")]
    public StoreTestCase()
    {
    }

    public StoreTestCase(IMessageSink diagnostics, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod method)
        : base(diagnostics, display, displayOptions, method)
    {
    }

    protected override string? GetSkipReason(IAttributeInfo factAttribute) =>
        typeof(INeedPostgres).IsAssignableFrom(TestMethod.TestClass.Class.ToRuntimeType()) ? TestServices.PostgresSkip : null;
}
