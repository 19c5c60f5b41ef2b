using System.Diagnostics.Metrics;
using Quartz;

namespace OpsFlow.Scheduling;

/// <summary>
/// Quartz misfires: firings later than the misfire threshold (the host was down or the scheduler starved). A few
/// after a restart are expected; a steady stream means the scheduler cannot keep up.
/// </summary>
/// <remarks>The listener's other notifications keep Quartz's defaults (they do nothing).</remarks>
public sealed class SchedulingTelemetry : ITriggerListener, IDisposable
{
    public const string MeterName = "OpsFlow.Scheduling";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _misfires;
    private readonly Counter<long> _fired;

    public SchedulingTelemetry(IMeterFactory? meters = null)
    {
        _ownsMeter = meters is null;
        _meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _misfires = _meter.CreateCounter<long>("opsflow.quartz.misfires", "{misfire}", "Quartz triggers that fired later than the misfire threshold, by job (timer, run, schedule, retention).");
        _fired = _meter.CreateCounter<long>("opsflow.quartz.fired", "{firing}", "Quartz triggers fired, by job.");
    }

    public string Name => "opsflow-telemetry";

    /// <summary>The meter of this instance (tests listen to it alone).</summary>
    internal Meter Meter => _meter;

    public ValueTask TriggerFired(ITrigger trigger, IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        _fired.Add(1, JobTag(trigger));
        return ValueTask.CompletedTask;
    }

    public ValueTask TriggerMisfired(ITrigger trigger, IScheduler scheduler, CancellationToken cancellationToken = default)
    {
        _misfires.Add(1, JobTag(trigger));
        return ValueTask.CompletedTask;
    }

    /// <summary>OpsFlow's fixed jobs by name; per-run jobs by group only, since a label per run would grow without end.</summary>
    private static KeyValuePair<string, object?> JobTag(ITrigger trigger) =>
        new("job", trigger.JobKey.Group == QuartzKeys.Group ? trigger.JobKey.Name : trigger.JobKey.Group);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
