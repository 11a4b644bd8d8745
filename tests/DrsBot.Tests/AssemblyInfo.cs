// Test classes run side by side, up to four at a time: most end-to-end tests wait on loopback servers and timers, so
// two cores carry four of them. Nothing a test asserts may depend on how fast this machine is: a command's answer is
// read wherever it arrives (inline, or on the response URL after the reply budget; DrsBotApp.CommandAsync).
[assembly: CollectionBehavior(MaxParallelThreads = 4)]

namespace DrsBot.Tests;

/// <summary>
/// Tests that must have the process to themselves, run after the others, one at a time: what they read is the
/// process's own (the meters a Prometheus scrape sees are every live host's).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Alone
{
    public const string Name = "run alone";
}
