using System.Globalization;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace DrsBot.Benchmarks;

/// <summary>
/// <c>gc-report FILE.nettrace…</c>: each GC's pause, generation and promoted bytes, from a recording of the runtime's
/// GC events made during <c>versus</c>'s turns:
/// <c>dotnet-trace collect -p PID --providers Microsoft-Windows-DotNETRuntime:0x1:4 --duration 00:00:01:30</c>.
/// CPU profiles and allocation counts do not show what survives a GC; this does. A recording cut short (the process
/// ended first) is read as far as it goes.
/// </summary>
internal static class GcReport
{
    private sealed record Gc(int Generation, double SuspendMs, double PauseMs);

    public static void Print(string path)
    {
        var gcs = new List<Gc>();
        var promotedKiB = new List<double>();
        using (var source = new EventPipeEventSource(path))
        {
            var clr = new ClrTraceEventParser(source);
            double suspendStart = 0, suspendEnd = 0;
            int? generation = null;
            clr.GCSuspendEEStart += e => suspendStart = e.TimeStampRelativeMSec;
            clr.GCSuspendEEStop += e => suspendEnd = e.TimeStampRelativeMSec;
            clr.GCStart += e => generation = e.Depth;
            // The pause runs from suspending the threads to resuming them; a suspension with no GC in it is not one.
            clr.GCRestartEEStop += e =>
            {
                if (generation is { } g && suspendStart > 0)
                {
                    gcs.Add(new Gc(g, suspendEnd - suspendStart, e.TimeStampRelativeMSec - suspendStart));
                }

                generation = null;
                suspendStart = 0;
            };
            clr.GCHeapStats += e => promotedKiB.Add(e.TotalPromotedSize0 / 1024.0);
            try
            {
                source.Process();
            }
            catch (FormatException)
            {
                Console.WriteLine($"{path}: the recording ends mid-block; read as far as it goes");
            }
        }

        Console.WriteLine($"{path}: {gcs.Count} GCs, {(gcs.Count == 0 ? 0 : gcs.Count(g => g.Generation > 0) * 100.0 / gcs.Count):0} % of them gen1 or gen2; gen0 promoted {Median(promotedKiB):0} KiB at the median");
        foreach (var generation in gcs.GroupBy(g => g.Generation).OrderBy(g => g.Key))
        {
            var pauses = generation.Select(g => g.PauseMs).Order().ToArray();
            var suspends = generation.Select(g => g.SuspendMs).Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  gen{generation.Key}: {pauses.Length,5} GCs · pause p50 {Load.Percentile(pauses, 50):0.00} ms · p90 {Load.Percentile(pauses, 90):0.00} ms · max {pauses[^1]:0.00} ms · suspending threads p50 {Load.Percentile(suspends, 50):0.000} ms"));
        }
    }

    private static double Median(List<double> values) => values.Count == 0 ? 0 : Load.Percentile([.. values.Order()], 50);
}
