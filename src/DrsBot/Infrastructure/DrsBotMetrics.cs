using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace DrsBot.Infrastructure;

/// <summary>
/// DrsBot's own instruments (meter <c>DrsBot</c>), exported at <c>/metrics</c> beside ASP.NET Core's, HttpClient's
/// and the runtime's. Tags are small closed sets (kinds, outcomes, DRS error codes), never ids or channels.
/// </summary>
public sealed class DrsBotMetrics
{
    public const string MeterName = "DrsBot";
    public static readonly ActivitySource Tracing = new(MeterName);

    private readonly Meter _meter;
    private readonly Counter<long> _commands;
    private readonly Histogram<double> _drsDuration;
    private readonly Counter<long> _drsFailures;
    private readonly Counter<long> _notifications;
    private readonly Histogram<double> _pollLag;
    private readonly Counter<long> _missedPolls;
    private readonly Counter<long> _abandonedPolls;
    private long _watched;
    private long _subscriptions;
    private long _outbox;
    private int _storageUp = 1;

    public DrsBotMetrics(IMeterFactory meters)
    {
        var meter = _meter = meters.Create(MeterName);
        _commands = meter.CreateCounter<long>("drsbot.commands", "{command}", "Slash commands handled, by kind and outcome");
        _drsDuration = meter.CreateHistogram<double>("drsbot.drs.call.duration", "s", "DRS compare-progress calls, retries included",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30] });
        _drsFailures = meter.CreateCounter<long>("drsbot.drs.failures", "{call}", "Failed DRS calls, by failure kind and DRS error code");
        _notifications = meter.CreateCounter<long>("drsbot.notifications", "{notification}", "Notifications decided, posted, deferred, paused and dropped, by kind");
        _pollLag = meter.CreateHistogram<double>("drsbot.poll.lag", "s", "How late each poll started against its schedule",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1, 2, 5, 10, 30, 60, 300] });
        _missedPolls = meter.CreateCounter<long>("drsbot.poll.missed", "{poll}", "Polls that started more than one interval late");
        _abandonedPolls = meter.CreateCounter<long>("drsbot.poll.abandoned", "{poll}", "Polls given up at Watch:PollDeadline");
        meter.CreateObservableGauge("drsbot.watched.comparisons", () => Volatile.Read(ref _watched), "{comparison}", "Comparisons being watched");
        meter.CreateObservableGauge("drsbot.subscriptions", () => Volatile.Read(ref _subscriptions), "{subscription}", "Channel subscriptions");
        meter.CreateObservableGauge("drsbot.storage.up", () => Volatile.Read(ref _storageUp), "{state}", "1 while the storage answers, 0 while it does not");
        meter.CreateObservableGauge("drsbot.outbox.depth", () => Volatile.Read(ref _outbox), "{notification}", "Notifications decided but not yet accepted by Slack");
    }

    /// <summary>An enum as a tag value: <c>CredentialsRejected</c> becomes <c>credentials_rejected</c>.</summary>
    public static string Tag(Enum value) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public void Command(string kind, string outcome) =>
        _commands.Add(1, new("kind", kind), new("outcome", outcome));

    public void DrsCall(string callKind, TimeSpan duration, string outcome, string? code)
    {
        _drsDuration.Record(duration.TotalSeconds, new("call", callKind), new("outcome", outcome));
        if (outcome != "ok")
        {
            _drsFailures.Add(1, new("call", callKind), new("failure", outcome), new("code", CodeTag(code)));
        }
    }

    /// <summary>
    /// The error codes DrsBot knows, as themselves; any other text DRS sends becomes <c>other</c>, so a DRS that
    /// invents codes (or echoes input into them) cannot grow the number of time series without end.
    /// </summary>
    public static string CodeTag(string? code) => code switch
    {
        null => "none",
        "DRS.10000010" or "DRS.00000001"
            or "APIG.0101" or "APIG.0201" or "APIG.0301" or "APIG.0308" or "APIGW.0101" or "APIGW.0201" or "APIGW.0301" or "APIGW.0308" => code,
        _ => "other",
    };

    public void Notification(string kind, string result) =>
        _notifications.Add(1, new("kind", kind), new("result", result));

    public void PollStarted(TimeSpan lag, bool missed)
    {
        _pollLag.Record(Math.Max(0, lag.TotalSeconds));
        if (missed)
        {
            _missedPolls.Add(1);
        }
    }

    public void StorageUp(bool up) => Volatile.Write(ref _storageUp, up ? 1 : 0);

    public void PollAbandoned() => _abandonedPolls.Add(1);

    /// <summary>
    /// 1 while DrsBot is not calling DRS for that kind of call (commands or polls): its circuit breaker is open.
    /// <c>drsbot_drs_paused</c> is the same gauge under its old name, kept for one release (deprecated).
    /// </summary>
    internal void ObserveCircuits(Func<IEnumerable<(string Profile, string Call, bool Open)>> circuits)
    {
        IEnumerable<Measurement<int>> Sample() => circuits().Select(c => new Measurement<int>(c.Open ? 1 : 0,
            new KeyValuePair<string, object?>("call", c.Call), new KeyValuePair<string, object?>("profile", c.Profile)));

        _meter.CreateObservableGauge("drsbot.drs.circuit.open", Sample, "{state}", "1 while the circuit breaker for DRS calls of this kind is open");
        _meter.CreateObservableGauge("drsbot.drs.paused", Sample, "{state}", "Deprecated: drsbot_drs_circuit_open under its old name, removed in the next release");
    }

    /// <summary>The interval polls run at now: <c>Watch:PollInterval</c>, or longer under the DRS call budget.</summary>
    internal void ObservePollInterval(Func<IEnumerable<(string Profile, double Seconds)>> intervals) =>
        _meter.CreateObservableGauge("drsbot.poll.interval.effective",
            () => intervals().Select(i => new Measurement<double>(i.Seconds, new KeyValuePair<string, object?>("profile", i.Profile))),
            "s", "The interval polls run at: Watch:PollInterval, or longer while Drs:MaxCallsPerMinute cannot carry it");

    /// <summary>Socket Mode connections open on this replica.</summary>
    internal void ObserveSocketConnections(Func<int> open) =>
        _meter.CreateObservableGauge("drsbot.slack.socket.connections", open, "{connection}", "Socket Mode connections to Slack open on this replica");

    public void Totals(long watched, long subscriptions, long outbox)
    {
        Volatile.Write(ref _watched, watched);
        Volatile.Write(ref _subscriptions, subscriptions);
        Volatile.Write(ref _outbox, outbox);
    }
}
