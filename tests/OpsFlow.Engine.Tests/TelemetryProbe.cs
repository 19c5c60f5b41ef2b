using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpsFlow.Engine.Telemetry;

namespace OpsFlow.Engine.Tests;

/// <summary>
/// Listens to one engine's meter and to every span of the engine's source, as OpenTelemetry would. Spans of other
/// tests running in parallel are told apart by trace id: each run's trace id comes from its run id.
/// </summary>
internal sealed class TelemetryProbe : IDisposable
{
    private readonly MeterListener _meters = new();
    private readonly ActivityListener _spans;
    private readonly ConcurrentQueue<(string Name, double Value, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly ConcurrentQueue<Activity> _stopped = new();

    public TelemetryProbe(EngineTelemetry telemetry)
    {
        Telemetry = telemetry;
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == telemetry.Meter)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _meters.Start();
        _spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name == EngineTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_spans);
    }

    public EngineTelemetry Telemetry { get; }

    public IReadOnlyList<Activity> SpansOf(string runId)
    {
        var trace = RunTrace.TraceIdOf(runId);
        return _stopped.Where(a => a.TraceId == trace).ToArray();
    }

    public double Sum(string instrument, params (string Key, string Value)[] tags) =>
        _measurements.Where(m => m.Name == instrument && tags.All(t => Equals(m.Tags.GetValueOrDefault(t.Key), t.Value))).Sum(m => m.Value);

    public int Count(string instrument, params (string Key, string Value)[] tags) =>
        _measurements.Count(m => m.Name == instrument && tags.All(t => Equals(m.Tags.GetValueOrDefault(t.Key), t.Value)));

    /// <summary>Reads the observable gauges now and returns what they reported.</summary>
    public IReadOnlyList<(string Name, double Value, Dictionary<string, object?> Tags)> Observe(string instrument)
    {
        var before = _measurements.Count;
        _meters.RecordObservableInstruments();
        return _measurements.Skip(before).Where(m => m.Name == instrument).ToArray();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            map[tag.Key] = tag.Value;
        }

        _measurements.Enqueue((instrument.Name, value, map));
    }

    public void Dispose()
    {
        _meters.Dispose();
        _spans.Dispose();
        Telemetry.Dispose();
    }
}
