using System.Diagnostics.Metrics;

namespace OpsFlow.Scripting;

/// <summary>
/// How loading scripts goes: Roslyn compile time (seconds, by outcome) and where each load was served from, the
/// memory of loaded scripts, the disk cache, or a compile. A cold compile costs seconds; a cache hit milliseconds.
/// </summary>
public sealed class ScriptTelemetry : IDisposable
{
    public const string MeterName = "OpsFlow.Scripting";

    internal static readonly ScriptTelemetry Unregistered = new();

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Histogram<double> _compile;
    private readonly Counter<long> _loads;

    public ScriptTelemetry(IMeterFactory? meters = null)
    {
        _ownsMeter = meters is null;
        _meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _compile = _meter.CreateHistogram<double>("opsflow.script.compile.duration", "s", "Roslyn compiling one workflow script, by outcome (ok, error).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30] });
        _loads = _meter.CreateCounter<long>("opsflow.script.loads", "{load}", "Script loads by where they were served from: memory, disk (the compiled cache) or compile.");
    }

    internal void Compiled(TimeSpan elapsed, bool succeeded) =>
        _compile.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", succeeded ? "ok" : "error"));

    internal void Loaded(string from) => _loads.Add(1, new KeyValuePair<string, object?>("cache", from));

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
