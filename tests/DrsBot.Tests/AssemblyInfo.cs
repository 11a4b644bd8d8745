// Test classes run in parallel (4 at a time): nearly all of their time is spent waiting on loopback HTTP, timers and
// PostgreSQL, not on a CPU. What reads process-wide state runs alone, in the Serial collection below.
[assembly: CollectionBehavior(DisableTestParallelization = false, MaxParallelThreads = 4)]

namespace DrsBot.Tests;

/// <summary>
/// Tests that read what every host in the process shares: the runtime's meters (a Prometheus scrape sees every
/// host's instruments of the same name). They run after the parallel ones, one at a time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Serial
{
    public const string Name = "Serial";
}
