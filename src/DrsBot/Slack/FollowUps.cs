using System.Collections.Concurrent;

namespace DrsBot.Slack;

/// <summary>
/// The answers still owed through <c>response_url</c>. A deploy must not swallow them: on shutdown the host waits
/// for every one in flight, and only when its shutdown timeout runs out is the work cancelled.
/// </summary>
public sealed class FollowUps : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _abort = new();
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();

    /// <summary>Cancelled only when the host gives up waiting at shutdown, never merely because it is stopping.</summary>
    public CancellationToken Aborted => _abort.Token;

    public int Count => _inFlight.Count;

    public void Track(Task followUp)
    {
        _inFlight.TryAdd(followUp, 0);
        _ = followUp.ContinueWith(t => _inFlight.TryRemove(t, out _), TaskScheduler.Default);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(_inFlight.Keys).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await _abort.CancelAsync();
        }
    }

    public void Dispose() => _abort.Dispose();
}
