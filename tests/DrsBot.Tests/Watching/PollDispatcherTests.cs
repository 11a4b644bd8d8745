using DrsBot.Infrastructure;
using DrsBot.Tests.Fakes;
using DrsBot.Watching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Moq;

namespace DrsBot.Tests.Watching;

public sealed class PollDispatcherTests
{
    [Fact]
    public async Task A_storage_outage_is_one_warning_and_its_end_one_line_not_one_a_tick()
    {
        var store = new Mock<IWatchStore>();
        store.Setup(s => s.Clock).Returns(TimeProvider.System);
        var down = true;
        store.Setup(s => s.LeaseDueAsync(It.IsAny<DateTimeOffset>(), It.IsAny<int>(), It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => down ? throw new WatchStoreUnavailableException("connection refused") : []);
        var logs = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        var options = Options.Create(new WatchOptions());
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var health = new PollLoopHealth(options, new WatchStoreStatus(), TimeProvider.System, loggers.CreateLogger<PollLoopHealth>());
        using var dispatcher = new PollDispatcher(store.Object, Mock.Of<IServiceScopeFactory>(), new PollSchedule(options), health, options,
            new DrsBotMetrics(meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), TimeProvider.System, loggers.CreateLogger<PollDispatcher>());

        for (var tick = 0; tick < 10; tick++)
        {
            await dispatcher.RunDueAsync(CancellationToken.None);
        }

        down = false;
        await dispatcher.RunDueAsync(CancellationToken.None);
        await dispatcher.RunDueAsync(CancellationToken.None);

        Assert.Single(logs.Lines, l => l.Contains("Storage unavailable", StringComparison.Ordinal));
        Assert.Single(logs.Lines, l => l.Contains("Storage answers again", StringComparison.Ordinal));
    }

    /// <summary>
    /// A replica's estimate of the shared clock can lag the one that made the lease due by a second or more (a busy
    /// machine's round trip to the database). Released "from now", the comparison was due again at the slot it had just
    /// served, and could be polled twice in one interval.
    /// </summary>
    [Fact]
    public async Task A_poll_is_never_scheduled_again_for_the_slot_it_served_however_far_the_clock_lags()
    {
        var options = Options.Create(new WatchOptions { PollInterval = TimeSpan.FromSeconds(5) });
        var schedule = new PollSchedule(options);
        var comparison = new ComparisonRef("job-1", "cmp-1");
        var slot = schedule.Next(comparison, DateTimeOffset.UtcNow);
        var lagging = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(slot - TimeSpan.FromSeconds(2));
        var store = new Mock<IWatchStore>();
        store.Setup(s => s.Clock).Returns(lagging);
        var lease = new PollLease(comparison, Guid.NewGuid(), slot, slot + TimeSpan.FromMinutes(2));
        var leases = new Queue<IReadOnlyList<PollLease>>([[lease]]);
        store.Setup(s => s.LeaseDueAsync(It.IsAny<DateTimeOffset>(), It.IsAny<int>(), It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => leases.TryDequeue(out var next) ? next : []);
        var released = new TaskCompletionSource<DateTimeOffset>();
        store.Setup(s => s.ReleaseAsync(lease, It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Callback((PollLease _, DateTimeOffset next, CancellationToken _) => released.TrySetResult(next))
            .Returns(Task.CompletedTask);
        using var loggers = LoggerFactory.Create(_ => { });
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var health = new PollLoopHealth(options, new WatchStoreStatus(), lagging, loggers.CreateLogger<PollLoopHealth>());
        var scopes = new ServiceCollection().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(); // the poll itself fails: not what is asked here
        using var dispatcher = new PollDispatcher(store.Object, scopes, schedule, health, options,
            new DrsBotMetrics(meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), lagging, loggers.CreateLogger<PollDispatcher>());

        await dispatcher.RunDueAsync(CancellationToken.None);

        Assert.Equal(slot + options.Value.PollInterval, await released.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Liveness_fails_when_a_cycle_takes_no_step_for_three_intervals_plus_the_deadline()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = Options.Create(new WatchOptions { PollInterval = TimeSpan.FromSeconds(10), PollDeadline = TimeSpan.FromSeconds(60) });
        var logs = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        var health = new PollLoopHealth(options, new WatchStoreStatus(), time, loggers.CreateLogger<PollLoopHealth>());

        health.CycleStarted();
        time.Advance(TimeSpan.FromSeconds(89));
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, (await health.CheckHealthAsync(null!)).Status);

        time.Advance(TimeSpan.FromSeconds(2)); // 91 s > 3 x 10 s + 60 s
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, (await health.CheckHealthAsync(null!)).Status);
        await health.CheckHealthAsync(null!);
        Assert.Single(logs.Lines, l => l.Contains("Liveness failing", StringComparison.Ordinal) && l.Contains("inside one cycle", StringComparison.Ordinal));

        health.Step(); // a poll finished: moving again
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, (await health.CheckHealthAsync(null!)).Status);
    }

    [Fact]
    public async Task No_cycle_while_the_storage_is_down_is_not_a_reason_to_restart()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = Options.Create(new WatchOptions { PollInterval = TimeSpan.FromSeconds(10), PollDeadline = TimeSpan.FromSeconds(60) });
        var storage = new WatchStoreStatus();
        using var loggers = LoggerFactory.Create(_ => { });
        var health = new PollLoopHealth(options, storage, time, loggers.CreateLogger<PollLoopHealth>());
        health.CycleStarted();
        health.CycleEnded();

        storage.Report(false);
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, (await health.CheckHealthAsync(null!)).Status);

        storage.Report(true); // the storage is back, yet Hangfire runs no cycle: wedged
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, (await health.CheckHealthAsync(null!)).Status);
    }
}
