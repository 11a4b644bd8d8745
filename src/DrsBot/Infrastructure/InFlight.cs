using System.Collections.Concurrent;

namespace DrsBot.Infrastructure;

/// <summary>
/// Work that must outlive the request or tick that started it and finish on shutdown: tracked tasks, awaited by
/// <see cref="DrainAsync"/>, cancelled through <see cref="Aborted"/> only when the host's shutdown timeout runs out
/// (never merely because the host is stopping, which is when a deploy would otherwise swallow an answer or a poll).
/// </summary>
public sealed class InFlight : IDisposable
{
    private readonly CancellationTokenSource _abort = new();
    private readonly ConcurrentDictionary<Task, byte> _tasks = new();

    public CancellationToken Aborted => _abort.Token;

    public bool IsAborted => _abort.IsCancellationRequested;

    public Task Track(Task work)
    {
        _tasks.TryAdd(work, 0);
        _ = work.ContinueWith(t => _tasks.TryRemove(t, out _), TaskScheduler.Default);
        return work;
    }

    /// <summary>Completes when everything tracked so far has finished.</summary>
    public Task WhenIdleAsync() => Task.WhenAll(_tasks.Keys);

    /// <summary>Waits for everything tracked; when <paramref name="deadline"/> fires first, cancels it instead.</summary>
    public async Task DrainAsync(CancellationToken deadline)
    {
        try
        {
            await Task.WhenAll(_tasks.Keys).WaitAsync(deadline);
        }
        catch (OperationCanceledException)
        {
            await _abort.CancelAsync();
        }
    }

    public void Dispose() => _abort.Dispose();
}
