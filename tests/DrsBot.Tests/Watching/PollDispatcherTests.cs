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
