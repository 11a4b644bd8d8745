namespace DrsBot.Watching;

/// <summary>Whether a progress read answers a person waiting in Slack or a background poll; picks the time budget.</summary>
public enum DrsCallKind
{
    Interactive,
    Background,
}

/// <summary>
/// The core's one question to DRS: how far is this comparison? The DRS edge answers it (<c>DrsClient</c>); every
/// failure comes back as a <see cref="ProgressFailed"/>, never an exception.
/// </summary>
public interface IProgressSource
{
    Task<CompareProgressResult> GetCompareProgressAsync(ComparisonRef comparison, DrsCallKind kind, CancellationToken ct);
}

/// <summary>
/// The core's way out to the channels: delivers what a leased comparison's record owes them, and keeps the thread
/// parents current. The Slack side implements it; the core only knows that it was asked.
/// </summary>
public interface INotificationDelivery
{
    Task DeliverAsync(LeaseKeeper lease, CancellationToken ct);

    Task RefreshParentsAsync(LeaseKeeper lease, CancellationToken ct);
}
