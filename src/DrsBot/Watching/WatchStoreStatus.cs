namespace DrsBot.Watching;

/// <summary>
/// Whether the storage answered its last check (<see cref="IWatchStore.PingAsync"/>, every few seconds). Readiness,
/// the <c>drsbot_storage_up</c> gauge and the poll loop's liveness read it; nobody waits on it.
/// </summary>
public sealed class WatchStoreStatus
{
    private volatile bool _up = true;

    public bool IsUp => _up;

    public void Report(bool up) => _up = up;
}
