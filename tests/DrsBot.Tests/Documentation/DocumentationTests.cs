using System.Text.RegularExpressions;
using DrsBot.Tests.EndToEnd;
using DrsBot.Tests.Fakes;

namespace DrsBot.Tests.Documentation;

/// <summary>
/// The README and docs/ say what is true: every link leads to a file and heading that exist, and every command line
/// names projects, paths, benchmarks, endpoints and settings that exist (issue 31).
/// </summary>
public sealed partial class DocumentationTests
{
    public static TheoryData<string> Documents()
    {
        var data = new TheoryData<string> { "README.md" };
        foreach (var file in Directory.GetFiles(Repository.Path("docs"), "*.md").Order())
        {
            data.Add("docs/" + Path.GetFileName(file));
        }

        return data;
    }

    [Fact]
    public void The_readme_is_short_and_the_five_documents_exist()
    {
        Assert.InRange(File.ReadAllLines(Repository.Path("README.md")).Length, 50, 300);
        foreach (var doc in new[] { "configuration", "operations", "security", "architecture", "performance" })
        {
            Assert.True(File.Exists(Repository.Path("docs", doc + ".md")), $"docs/{doc}.md is missing");
            Assert.Contains($"(docs/{doc}.md)", File.ReadAllText(Repository.Path("README.md")), StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// docs/performance.md's figures are written by the benchmark tool (<c>--markdown</c>) between markers: each of
    /// the four benchmarks issue 31 names has its section, and every section names a benchmark the tool has.
    /// </summary>
    [Fact]
    public void Every_benchmark_has_its_section_in_the_performance_document()
    {
        var performance = File.ReadAllText(Repository.Path("docs", "performance.md"));
        var tool = File.ReadAllText(Repository.Path("tests", "DrsBot.Benchmarks", "Cli.cs"));
        var sections = Regex.Matches(performance, "<!-- benchmark (?<name>[a-z-]+) -->").Select(m => m.Groups["name"].Value).ToList();
        Assert.Superset(new HashSet<string> { "versus", "alloc", "scale", "faults" }, sections.ToHashSet());
        foreach (var name in sections)
        {
            Assert.Contains($"new Command(\"{name}\"", tool, StringComparison.Ordinal);
            Assert.True(performance.IndexOf($"<!-- end benchmark {name} -->", StringComparison.Ordinal) > performance.IndexOf($"<!-- benchmark {name} -->", StringComparison.Ordinal),
                $"the {name} section has no end marker after its start");
        }
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_link_leads_to_a_file_and_heading_that_exist(string document)
    {
        var path = Repository.Path(document);
        var problems = new List<string>();
        foreach (Match link in Link().Matches(Prose(File.ReadAllText(path))))
        {
            var target = link.Groups["target"].Value;
            if (target.StartsWith("http", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
            {
                continue;
            }

            var (file, anchor) = target.Split('#', 2) is [var f, var a] ? (f, a) : (target, null);
            var resolved = file.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, file));
            if (!File.Exists(resolved) && !Directory.Exists(resolved))
            {
                problems.Add($"{target}: no such file");
            }
            else if (anchor is not null && !Anchors(resolved).Contains(anchor))
            {
                problems.Add($"{target}: no heading #{anchor} in {Path.GetFileName(resolved)}");
            }
        }

        Assert.True(problems.Count == 0, $"{document}: {string.Join("; ", problems)}");
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_command_line_names_what_exists(string document)
    {
        var problems = new List<string>();
        var benchmarks = File.ReadAllText(Repository.Path("tests", "DrsBot.Benchmarks", "Cli.cs"));
        var endpoints = string.Join('\n', Directory.GetFiles(Repository.Path("src", "DrsBot"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal)).Select(File.ReadAllText));
        foreach (var line in CommandLines(File.ReadAllText(Repository.Path(document))))
        {
            foreach (Match m in ProjectPath().Matches(line))
            {
                var project = m.Groups["path"].Value;
                if (!Directory.Exists(Repository.Path(project)) && !File.Exists(Repository.Path(project)))
                {
                    problems.Add($"`{line}`: no {project}");
                }
            }

            if (line.Contains("DrsBot.Benchmarks", StringComparison.Ordinal) && line.Split(" -- ", 2) is [_, var rest])
            {
                foreach (var name in rest.Split(' ', StringSplitOptions.RemoveEmptyEntries).TakeWhile(w => !w.StartsWith('#') && !w.StartsWith('-')))
                {
                    if (!benchmarks.Contains($"\"{name}\"", StringComparison.Ordinal))
                    {
                        problems.Add($"`{line}`: no benchmark {name}");
                    }
                }
            }

            foreach (Match m in Setting().Matches(line))
            {
                var key = m.Groups["key"].Value.Replace("__", ":", StringComparison.Ordinal);
                // A profile's key is the Drs section's key under Drs:Profiles:<name>.
                key = Regex.Replace(key, "^Drs:Profiles:[a-z0-9-]{1,32}:", "Drs:");
                if (!ExampleSettingsTests.BoundKeys().Contains(key) && key is not ("ASPNETCORE_ENVIRONMENT" or "ASPNETCORE_URLS"))
                {
                    problems.Add($"`{line}`: {key} is not a setting DrsBot reads");
                }
            }

            foreach (Match m in LocalUrl().Matches(line))
            {
                var route = m.Groups["path"].Value;
                // The whole route, or its last segment as mapped inside a group ("/slack" + "/commands").
                if (route.Length > 1 && !endpoints.Contains($"\"{route}\"", StringComparison.Ordinal)
                    && !endpoints.Contains($"\"/{route.TrimEnd('/').Split('/')[^1]}\"", StringComparison.Ordinal))
                {
                    problems.Add($"`{line}`: DrsBot serves no {route}");
                }
            }

            foreach (Match m in KubectlPath().Matches(line))
            {
                if (!Directory.Exists(Repository.Path(m.Groups["path"].Value)) && !File.Exists(Repository.Path(m.Groups["path"].Value)))
                {
                    problems.Add($"`{line}`: no {m.Groups["path"].Value}");
                }
            }
        }

        Assert.True(problems.Count == 0, $"{document}: {string.Join("; ", problems)}");
    }

    /// <summary>The lines of fenced shell blocks and inline code spans that start with dotnet, curl or kubectl.</summary>
    private static IEnumerable<string> CommandLines(string markdown)
    {
        var inShell = false;
        foreach (var raw in markdown.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inShell = !inShell && line is "```bash" or "```sh" or "```shell";
                continue;
            }

            if (inShell && line.Length > 0)
            {
                yield return line;
            }
            else if (!inShell)
            {
                foreach (Match span in CodeSpan().Matches(line))
                {
                    if (span.Groups[1].Value.StartsWith("dotnet ", StringComparison.Ordinal) || span.Groups[1].Value.StartsWith("kubectl ", StringComparison.Ordinal))
                    {
                        yield return span.Groups[1].Value;
                    }
                }
            }
        }
    }

    /// <summary>The text outside fenced code blocks, where links are links.</summary>
    private static string Prose(string markdown) => Fence().Replace(markdown, "");

    /// <summary>GitHub's anchors for a file's headings: lower case, punctuation dropped, spaces to hyphens.</summary>
    private static HashSet<string> Anchors(string file)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        if (!file.EndsWith(".md", StringComparison.Ordinal))
        {
            return anchors;
        }

        foreach (var line in Prose(File.ReadAllText(file)).Split('\n'))
        {
            if (Heading().Match(line) is { Success: true } heading)
            {
                var text = heading.Groups[1].Value.Trim().ToLowerInvariant();
                anchors.Add(new string([.. text.Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_')]).Replace(' ', '-'));
            }
        }

        return anchors;
    }

    [GeneratedRegex(@"(?<!!)\[[^\]]*\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();

    [GeneratedRegex(@"^#{1,6} (.+)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"dotnet (?:run|test|build|publish)\b[^#]*?(?:--project )?(?<path>(?:src|tests)/[\w./-]+|DrsBot\.sln)")]
    private static partial Regex ProjectPath();

    [GeneratedRegex(@"(?:^|\s)(?<key>[A-Z][A-Za-z]+__[A-Za-z_]+)=")]
    private static partial Regex Setting();

    [GeneratedRegex(@"https?://(?:localhost|127\.0\.0\.1)(?::\d+)?(?<path>/[\w/.-]*)")]
    private static partial Regex LocalUrl();

    [GeneratedRegex(@"kubectl [^#]*?-[kf] (?<path>[\w./-]+)")]
    private static partial Regex KubectlPath();
}
