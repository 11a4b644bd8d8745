using System.Text.RegularExpressions;
using DrsBot.Tests.Fakes;

namespace DrsBot.Tests.Demo;

/// <summary>The local console draws every emoji DrsBot writes, so what a newcomer sees there is what Slack shows.</summary>
public sealed partial class ConsoleEmojiTests
{
    [Fact]
    public void Every_emoji_in_the_code_is_drawn_by_the_console()
    {
        var used = Directory.EnumerateFiles(Repository.Path("src", "DrsBot"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => EmojiCode().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToHashSet();
        var html = File.ReadAllText(Repository.Path("src", "DrsBot", "Demo", "console.html"));
        var table = html[html.IndexOf("const EMOJI", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("};", StringComparison.Ordinal)];

        Assert.True(used.Count > 20, string.Join(" ", used));
        Assert.Empty(used.Where(e => !table.Contains($"{e}:", StringComparison.Ordinal)).Order());
    }

    [GeneratedRegex(@"(?<![A-Za-z0-9{]):([a-z][a-z_]*):(?![A-Za-z0-9])")]
    private static partial Regex EmojiCode();
}
