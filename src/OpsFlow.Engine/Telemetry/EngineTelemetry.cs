using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OpsFlow.Engine.Telemetry;

/// <summary>
/// The engine's metrics and traces, through the BCL's <see cref="Meter"/> and <see cref="ActivitySource"/> only: the host
/// decides whether OpenTelemetry (or anything else) listens. With no listener every call here costs next to nothing.
/// </summary>
public sealed class EngineTelemetry : IDisposable
{
    public const string MeterName = "OpsFlow.Engine";
    public const string ActivitySourceName = "OpsFlow.Engine";

    internal static readonly ActivitySource Source = new(ActivitySourceName);

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<(string RunId, string Step), (string Workflow, DateTimeOffset Since)> _approvals = new();

    public EngineTelemetry(TimeProvider clock, IMeterFactory? meters = null)
    {
        _clock = clock;
        _ownsMeter = meters is null;
        _meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        RunsStarted = _meter.CreateCounter<long>("opsflow.runs.started", "{run}", "Runs that began executing, by workflow and trigger.");
        RunsFinished = _meter.CreateCounter<long>("opsflow.runs.finished", "{run}", "Runs that reached a terminal state, by workflow and outcome.");
        RunDuration = _meter.CreateHistogram<double>("opsflow.run.duration", "s", "From a run's start to its end, by workflow and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400] });
        StepDuration = _meter.CreateHistogram<double>("opsflow.step.duration", "s", "One attempt of a step (or its compensation), by workflow, step and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 300, 900, 3600] });
        StepsInFlight = _meter.CreateUpDownCounter<long>("opsflow.steps.in_flight", "{step}", "Step bodies and compensations executing now, by workflow.");
        Retries = _meter.CreateCounter<long>("opsflow.step.retries", "{retry}", "Failed attempts that will be retried, by workflow and step.");
        Compensations = _meter.CreateCounter<long>("opsflow.compensations", "{compensation}", "Compensations that ended, by workflow, step and outcome.");
        CommandsMailed = _meter.CreateCounter<long>("opsflow.commands.mailed", "{command}",
            "Several hosts: commands left for the host executing their run, by outcome (answered, delivered_here, withdrawn, unanswered, lost).");
        _meter.CreateObservableGauge("opsflow.approvals.waiting", ObserveWaiting, "{approval}", "Approval steps waiting for a decision on this host, by workflow.");
        _meter.CreateObservableGauge("opsflow.approvals.oldest_age", ObserveOldest, "s", "How long the oldest waiting approval has waited, by workflow.");
    }

    /// <summary>The meter the instruments belong to (tests listen to this one only).</summary>
    internal Meter Meter => _meter;

    internal Counter<long> RunsStarted { get; }
    internal Counter<long> RunsFinished { get; }
    internal Histogram<double> RunDuration { get; }
    internal Histogram<double> StepDuration { get; }
    internal UpDownCounter<long> StepsInFlight { get; }
    internal Counter<long> Retries { get; }
    internal Counter<long> Compensations { get; }
    internal Counter<long> CommandsMailed { get; }

    internal void ApprovalWaiting(string runId, string step, string workflow, DateTimeOffset since) => _approvals[(runId, step)] = (workflow, since);

    internal void ApprovalDone(string runId, string step) => _approvals.TryRemove((runId, step), out _);

    /// <summary>A run leaving this host (ended, or the host stops): its approvals are someone else's to count.</summary>
    internal void ForgetRun(string runId)
    {
        foreach (var key in _approvals.Keys.Where(k => k.RunId == runId))
        {
            _approvals.TryRemove(key, out _);
        }
    }

    private IEnumerable<Measurement<long>> ObserveWaiting() =>
        _approvals.Values.GroupBy(a => a.Workflow, StringComparer.Ordinal)
            .Select(g => new Measurement<long>(g.Count(), new KeyValuePair<string, object?>("workflow", g.Key)));

    private IEnumerable<Measurement<double>> ObserveOldest()
    {
        var now = _clock.GetUtcNow();
        return _approvals.Values.GroupBy(a => a.Workflow, StringComparer.Ordinal)
            .Select(g => new Measurement<double>(
                Math.Max(0, (now - g.Min(a => a.Since)).TotalSeconds),
                new KeyValuePair<string, object?>("workflow", g.Key)));
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
