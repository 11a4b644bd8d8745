namespace DrsBot.Tests.Fakes;

/// <summary>Files the repository ships (manifests, example settings), found from the test's output folder.</summary>
public static class Repository
{
    public static string Path(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "DrsBot.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        return System.IO.Path.Combine([dir.FullName, .. parts]);
    }
}
