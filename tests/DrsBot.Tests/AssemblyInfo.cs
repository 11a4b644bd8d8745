using Xunit.Abstractions;

// Test classes run side by side, six at a time (xunit.runner.json; the conservative algorithm: a test holds its place
// until it ends, so the slow ones cannot crowd out the rest, and the aggressive one saturated two cores). The slow
// classes, which mostly wait on real time (a minute boundary, poll intervals, processes), start first, so their waits
// overlap the fast ones' work. Nothing a test asserts may depend on how fast this machine is: a command's answer is
// read wherever it arrives (inline, or on the response URL after the reply budget; DrsBotApp.CommandAsync).
[assembly: TestCollectionOrderer("DrsBot.Tests.SlowClassesFirst", "DrsBot.Tests")]

namespace DrsBot.Tests;

/// <summary>
/// Tests that must have the process to themselves, run after the others, one at a time: what they read is the
/// process's own (the meters a Prometheus scrape sees are every live host's).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Alone
{
    public const string Name = "run alone";
}

/// <summary>Starts the classes marked <c>Category=Slow</c> before the others; otherwise in name order.</summary>
public sealed class SlowClassesFirst : ITestCollectionOrderer
{
    private const string PerClass = "Test collection for ";

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderByDescending(IsSlow).ThenBy(c => c.DisplayName, StringComparer.Ordinal);

    private static bool IsSlow(ITestCollection collection) =>
        collection.DisplayName.StartsWith(PerClass, StringComparison.Ordinal)
        && typeof(SlowClassesFirst).Assembly.GetType(collection.DisplayName[PerClass.Length..]) is { } type
        && type.GetCustomAttributesData().Any(a => a.AttributeType == typeof(TraitAttribute)
            && a.ConstructorArguments is [{ Value: "Category" }, { Value: "Slow" }]);
}
