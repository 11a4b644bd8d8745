using NetArchTest.Rules;

namespace DrsBot.Tests.Architecture;

/// <summary>
/// The shape of <c>src/DrsBot</c> (issue 30), read from the compiled assembly's type references: dependencies run one
/// way. Edges (<c>Slack</c>, <c>Drs</c>) and <c>Infrastructure</c> know no feature; the core (<c>Watching</c>) knows no
/// edge and no HTTP; no two top-level folders, and no two features, depend on each other in a loop.
/// </summary>
public sealed class DependencyRulesTests
{
    private const string Root = "DrsBot";
    private static readonly Types App = Types.InAssembly(typeof(Program).Assembly);

    private static readonly string[] Edges = ["Slack", "Drs"];
    private static readonly string[] FeatureLayers = ["Features", "Commands", "Demo"];

    [Fact]
    public void The_top_level_folders_depend_on_each_other_one_way()
    {
        var folders = Namespaces().Select(n => n.Split('.')[1]).Distinct().ToArray();
        Assert.True(folders.Length >= 6, string.Join(", ", folders));

        Assert.Empty(Cycles(folders));
    }

    [Fact]
    public void No_feature_depends_on_another_in_a_loop()
    {
        var features = Namespaces().Where(n => n.StartsWith($"{Root}.Features.", StringComparison.Ordinal))
            .Select(n => string.Join('.', n.Split('.').Skip(1).Take(2))).Distinct().ToArray();
        Assert.True(features.Length >= 5, string.Join(", ", features));

        Assert.Empty(Cycles(features));
    }

    [Theory]
    [InlineData("Slack")]
    [InlineData("Drs")]
    [InlineData("Infrastructure")]
    public void Edges_and_infrastructure_know_no_feature(string folder)
    {
        foreach (var feature in FeatureLayers)
        {
            AssertNoDependency(folder, $"{Root}.{feature}");
        }
    }

    [Fact]
    public void The_edges_do_not_know_each_other()
    {
        AssertNoDependency("Slack", $"{Root}.Drs");
        AssertNoDependency("Drs", $"{Root}.Slack");
    }

    [Fact]
    public void Infrastructure_is_a_leaf()
    {
        foreach (var other in Namespaces().Select(n => n.Split('.')[1]).Distinct().Where(f => f != "Infrastructure"))
        {
            AssertNoDependency("Infrastructure", $"{Root}.{other}");
        }
    }

    [Fact]
    public void The_core_knows_no_edge_no_feature_and_no_http()
    {
        foreach (var other in Edges.Concat(FeatureLayers).Append("Storage"))
        {
            AssertNoDependency("Watching", $"{Root}.{other}");
        }

        AssertNoDependency("Watching", "System.Net.Http");
        AssertNoDependency("Watching", "Microsoft.AspNetCore.Http");
    }

    private static void AssertNoDependency(string folder, string on)
    {
        var result = App.That().ResideInNamespace($"{Root}.{folder}").ShouldNot().HaveDependencyOn(on).GetResult();
        Assert.True(result.IsSuccessful,
            $"{Root}.{folder} must not depend on {on}; it does in: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    private static IEnumerable<string> Namespaces() =>
        typeof(Program).Assembly.GetTypes().Select(t => t.Namespace).OfType<string>()
            .Where(n => n.StartsWith($"{Root}.", StringComparison.Ordinal)).Distinct();

    /// <summary>Every dependency that lies on a loop, as "A -> B (types in A that use B)".</summary>
    private static List<string> Cycles(string[] nodes)
    {
        var edges = new Dictionary<string, Dictionary<string, IReadOnlyList<string>>>();
        foreach (var from in nodes)
        {
            edges[from] = [];
            foreach (var to in nodes.Where(n => n != from))
            {
                var result = App.That().ResideInNamespace($"{Root}.{from}").ShouldNot().HaveDependencyOn($"{Root}.{to}").GetResult();
                if (!result.IsSuccessful)
                {
                    edges[from][to] = result.FailingTypeNames?.Take(3).ToList() ?? [];
                }
            }
        }

        bool Reaches(string from, string target, HashSet<string> seen) =>
            edges[from].Keys.Any(next => next == target || (seen.Add(next) && Reaches(next, target, seen)));

        return [.. from a in nodes
            from b in edges[a].Keys
            where Reaches(b, a, [b])
            select $"{a} -> {b} ({string.Join(", ", edges[a][b])})"];
    }
}
