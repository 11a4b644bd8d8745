using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace DrsBot.Slack;

/// <summary>
/// How many commands a person and a workspace may send per minute (<c>Slack:RateLimit</c>), on .NET's rate limiters
/// (the ones ASP.NET Core's middleware uses). Applied after the signature check, keyed by the signed team and user
/// ids, so a forged request never spends anyone's allowance. Over the limit, no DRS call is made.
/// </summary>
public sealed class CommandRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<SlashCommand> _limiter;

    public CommandRateLimiter(IOptions<SlackOptions> options)
    {
        var limits = options.Value.RateLimit;
        _limiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<SlashCommand, string>(c => PerMinute($"{c.TeamId}/{c.UserId}", limits.PerUserPerMinute)),
            PartitionedRateLimiter.Create<SlashCommand, string>(c => PerMinute(c.TeamId, limits.PerTeamPerMinute)));
    }

    /// <summary>True when the command may run now.</summary>
    public bool TryAcquire(SlashCommand command)
    {
        using var lease = _limiter.AttemptAcquire(command);
        return lease.IsAcquired;
    }

    // A sliding minute in six steps: a burst at the end of one minute does not double up with the start of the next.
    private static RateLimitPartition<string> PerMinute(string key, int limit) =>
        RateLimitPartition.GetSlidingWindowLimiter(key, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = limit,
            Window = TimeSpan.FromMinutes(1),
            SegmentsPerWindow = 6,
            QueueLimit = 0,
        });

    public void Dispose() => _limiter.Dispose();
}
