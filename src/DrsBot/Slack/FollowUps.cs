using DrsBot.Infrastructure;

namespace DrsBot.Slack;

/// <summary>
/// The answers still owed through <c>response_url</c>. A deploy must not swallow them: on shutdown the host waits
/// for every one in flight, and only when its shutdown timeout runs out is the work cancelled.
/// </summary>
public sealed class FollowUps : IHostedService, IDisposable
{
    private readonly InFlight _work = new();

    /// <summary>Cancelled only when the host gives up waiting at shutdown, never merely because it is stopping.</summary>
    public CancellationToken Aborted => _work.Aborted;

    public void Track(Task followUp) => _work.Track(followUp);

    /// <summary>Completes when every answer owed so far has been sent or given up on.</summary>
    public Task WhenIdleAsync() => _work.WhenIdleAsync();

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => _work.DrainAsync(cancellationToken);

    public void Dispose() => _work.Dispose();
}
