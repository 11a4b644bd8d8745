using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace DrsBot.Tests.Demo;

/// <summary>The simulator's story follows the clock, not the number of requests.</summary>
public sealed class DrsSimulatorTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private DemoApp _app = null!;

    public Task InitializeAsync()
    {
        _app = new DemoApp(services => services.AddSingleton<TimeProvider>(_time));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<double> FullProgressAsync(string compareId) =>
        (await _app.SimulatorAsync(compareId)).GetProperty("full_info").GetProperty("progress").GetDouble();

    [Fact]
    public async Task Many_requests_at_one_moment_see_the_same_progress()
    {
        _time.Advance(TimeSpan.FromSeconds(30));
        var readings = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            readings.Add(await FullProgressAsync("full-cmp"));
        }

        Assert.All(readings, r => Assert.Equal(50, r));
    }

    [Fact]
    public async Task Full_cmp_completes_after_a_minute_and_restarts_after_three()
    {
        Assert.Equal(0, await FullProgressAsync("full-cmp"));
        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(100, await FullProgressAsync("full-cmp"));
        _time.Advance(TimeSpan.FromSeconds(120));
        Assert.True(await FullProgressAsync("full-cmp") < 10);
    }

    [Fact]
    public async Task Dynamic_cmp_delay_falls_to_zero_and_recheck_cmp_finds_rows()
    {
        _time.Advance(TimeSpan.FromSeconds(41));
        Assert.Equal(0, (await _app.SimulatorAsync("dynamic-cmp")).GetProperty("incre_info").GetProperty("delay").GetDouble());
        var recheck = await _app.SimulatorAsync("recheck-cmp");
        Assert.Equal(3, recheck.GetProperty("full_info").GetProperty("recheck_entities").GetInt64());
        Assert.Equal(2, recheck.GetProperty("incre_info").GetProperty("recheck_entities").GetInt64());
    }

    [Fact]
    public async Task Flaky_cmp_fails_in_its_bad_window_and_recovers()
    {
        Assert.True((await _app.SimulatorAsync("flaky-cmp")).TryGetProperty("full_info", out _));
        _time.Advance(TimeSpan.FromSeconds(40)); // 40 s: HTTP 500
        Assert.Equal("DRS.00000001", (await _app.SimulatorAsync("flaky-cmp")).GetProperty("error_code").GetString());
        _time.Advance(TimeSpan.FromSeconds(5)); // 45 s: throttled
        Assert.Equal("APIG.0308", (await _app.SimulatorAsync("flaky-cmp")).GetProperty("error_code").GetString());
        _time.Advance(TimeSpan.FromSeconds(40)); // 85 s: good again
        Assert.True((await _app.SimulatorAsync("flaky-cmp")).TryGetProperty("full_info", out _));
    }

    [Fact]
    public async Task Slow_cmp_asked_twice_a_minute_apart_shows_an_eta_in_the_console()
    {
        _time.Advance(TimeSpan.FromMinutes(3)); // 10 %
        await _app.SendAsync("demo-job slow-cmp");
        await _app.WaitForEntryAsync(e => DemoApp.Kind(e) == "ephemeral", TimeSpan.FromSeconds(10));
        _time.Advance(TimeSpan.FromMinutes(1)); // 13.33 %: 86.67 % left at 3.33 % a minute

        await _app.SendAsync("demo-job slow-cmp");

        var second = await _app.WaitForEntryAsync(
            e => DemoApp.Kind(e) == "ephemeral" && e.GetProperty("message").ToString().Contains("left at the current pace", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10));
        Assert.Contains("≈ 27 min left at the current pace", second.GetProperty("message").ToString(), StringComparison.Ordinal);
    }
}
