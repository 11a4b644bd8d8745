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
        var down = true;
        store.Setup(s => s.LeaseDueAsync(It.IsAny<DateTimeOffset>(), It.IsAny<int>(), It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => down ? throw new WatchStoreUnavailableException("connection refused") : []);
        var logs = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        var options = Options.Create(new WatchOptions());
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var dispatcher = new PollDispatcher(store.Object, Mock.Of<IServiceScopeFactory>(), new PollSchedule(options), options,
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
}
