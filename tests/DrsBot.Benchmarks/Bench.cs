namespace DrsBot.Benchmarks;

/// <summary>
/// Benchmarks print numbers; they assert nothing. Run:
/// <c>dotnet run -c Release --project tests/DrsBot.Benchmarks [versus|alloc|faults|progress|refused|fault|poll|scale|scale-pg …]</c>,
/// <c>faults-report FILE</c> to count again a run saved with FAULT_EVENTS, or <c>gc-report FILE.nettrace…</c> for the GC
/// pauses in a recording of GC events (<see cref="GcReport"/>).
/// </summary>
internal static class Bench
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["serve", var kind, var port, ..])
        {
            return await Servers.RunAsync(kind, int.Parse(port, System.Globalization.CultureInfo.InvariantCulture), args.Length > 3 ? args[3] : null);
        }

        if (args is ["faults-report", var events])
        {
            Faults.Recount(events);
            return 0;
        }

        if (args is ["gc-report", .. var traces] && traces.Length > 0)
        {
            foreach (var trace in traces)
            {
                GcReport.Print(trace);
            }

            return 0;
        }

        var scenarios = args.Length > 0 ? args : ["progress", "refused", "fault", "poll"];
        Console.WriteLine($"DrsBot benchmarks · {Environment.ProcessorCount} cores · .NET {Environment.Version} · {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        foreach (var scenario in scenarios)
        {
            Func<Task> run = scenario switch
            {
                "versus" => Versus.RunAsync,
                "alloc" => Allocations.RunAsync,
                "faults" => Faults.RunAsync,
                "progress" => Scenarios.ProgressAsync,
                "refused" => Scenarios.RefusedAsync,
                "fault" => Scenarios.FaultAsync,
                "poll" => Scenarios.PollAsync,
                "scale" => Scale.InMemoryAsync,
                "scale-pg" => Scale.PostgreSqlAsync,
                _ => () => throw new ArgumentException($"unknown scenario {scenario}: versus | alloc | faults | progress | refused | fault | poll | scale | scale-pg"),
            };
            await run();
        }

        return 0;
    }
}
