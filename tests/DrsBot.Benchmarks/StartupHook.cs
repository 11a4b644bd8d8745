/// <summary>
/// Run by .NET before DrsBot's Main when <c>DOTNET_STARTUP_HOOKS</c> names this assembly: the <c>versus</c>
/// benchmark's "pass-through in DrsBot's host". The runtime looks for exactly this name, outside any namespace.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1050:Declare types in namespaces", Justification = "The runtime's contract for startup hooks")]
internal static class StartupHook
{
    public static void Initialize() => DrsBot.Benchmarks.HostedPassThrough.Install();
}
