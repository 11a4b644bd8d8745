namespace DrsBot.Benchmarks;

/// <summary>
/// Benchmarks print numbers; they assert nothing. Run:
/// <c>dotnet run -c Release --project tests/DrsBot.Benchmarks [progress|refused|fault|poll|scale|scale-pg …]</c>
/// </summary>
internal static class Bench
{
    public static async Task<int> Main(string[] args)
    {
        var scenarios = args.Length > 0 ? args : ["progress", "refused", "fault", "poll"];
        Console.WriteLine($"DrsBot benchmarks · {Environment.ProcessorCount} cores · .NET {Environment.Version} · {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        foreach (var scenario in scenarios)
        {
            Func<Task> run = scenario switch
            {
                "progress" => Scenarios.ProgressAsync,
                "refused" => Scenarios.RefusedAsync,
                "fault" => Scenarios.FaultAsync,
                "poll" => Scenarios.PollAsync,
                "scale" => Scale.InMemoryAsync,
                "scale-pg" => Scale.PostgreSqlAsync,
                _ => () => throw new ArgumentException($"unknown scenario {scenario}: progress | refused | fault | poll | scale | scale-pg"),
            };
            await run();
        }

        return 0;
    }
}
