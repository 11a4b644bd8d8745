using System.Diagnostics;

namespace DrsBot.Benchmarks;

/// <summary>A bounded closed-loop load: <c>concurrency</c> workers share <c>total</c> requests, each timed.</summary>
internal static class Load
{
    public sealed record Result(int Requests, int Failures, TimeSpan Elapsed, double[] LatenciesMs, long AllocatedBytes)
    {
        public double Throughput => Requests / Elapsed.TotalSeconds;

        public double Percentile(double p) => Load.Percentile(LatenciesMs, p);

        public override string ToString() =>
            $"{Requests} requests, {Failures} unexpected, {Throughput:0} req/s · p50 {Percentile(50):0.0} ms · p99 {Percentile(99):0.0} ms · max {LatenciesMs[^1]:0.0} ms · {AllocatedBytes / (double)Requests / 1024:0.0} KiB allocated/request";
    }

    /// <summary>The nearest-rank percentile (0 – 100) of values sorted in ascending order; NaN when there are none.</summary>
    public static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN
        : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    public static async Task<Result> RunAsync(int total, int concurrency, Func<HttpClient, Task<bool>> send)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { Timeout = TimeSpan.FromSeconds(30) };
        for (var i = 0; i < Math.Min(50, total); i++)
        {
            await send(http); // warm-up: JIT, connection pool, first DRS token
        }

        var latencies = new double[total];
        var failures = 0;
        var next = -1;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < total)
            {
                var started = Stopwatch.GetTimestamp();
                if (!await send(http))
                {
                    Interlocked.Increment(ref failures);
                }

                latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }));
        clock.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Array.Sort(latencies);
        return new Result(total, failures, clock.Elapsed, latencies, allocated);
    }
}
