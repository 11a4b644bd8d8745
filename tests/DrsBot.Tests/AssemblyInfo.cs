// Test classes run one after another. Side by side (4 at a time) the suite took 6 min instead of 8 on this machine,
// but on CI's two cores a cold host's first command then missed the 2-second reply budget the tests that read an
// inline answer rely on: a test that passes by luck. Running them side by side again needs those tests to wait for
// the answer wherever it arrives (inline or on response_url). The process-wide races side by side running found
// (Hangfire's filters and its log provider) are fixed in the app either way.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace DrsBot.Tests;

/// <summary>
/// Tests that read what every host in the process shares (the runtime's meters), or need Hangfire's scheduler on the
/// real clock: they must run alone whenever test classes run side by side.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Serial
{
    public const string Name = "Serial";
}
