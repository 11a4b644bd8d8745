namespace DrsBot.Tests.Fakes;

/// <summary>This machine's clock, some minutes off: a replica whose NTP failed.</summary>
public sealed class SkewedClock(TimeSpan skew) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + skew;
}
