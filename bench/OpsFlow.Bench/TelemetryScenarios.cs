using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Telemetry;

namespace OpsFlow.Bench;

/// <summary>
/// What instrumentation costs the engine: the same runs with nobody listening, then with the OpenTelemetry SDK
/// recording every engine metric and span (exported in batches, as OTLP would, to an exporter that only counts).
/// Rounds alternate off/on so drift on a shared machine hits both; the median of each side is compared.
/// </summary>
internal static class TelemetryScenarios
{
    public static async Task RunAsync(string folder, bool quick, Report report)
    {
        var runs = quick ? 50 : 200;
        var rounds = quick ? 3 : 7;
        await CompareAsync("in memory", null, runs, rounds, report);
        await CompareAsync("SQLite", Path.Combine(folder, "telemetry.db"), runs, rounds, report);
    }

    private static async Task CompareAsync(string store, string? database, int runs, int rounds, Report report)
    {
        const int Steps = 10;
        var off = new List<double>();
        var on = new List<double>();
        var offCpu = new List<double>();
        var onCpu = new List<double>();
        var exported = new CountingExporter();
        for (var round = 0; round < rounds; round++)
        {
            // Off then on, then on then off: a drift over the rounds (a busy neighbour, a warming JIT) hits both sides.
            foreach (var listening in round % 2 == 0 ? new[] { false, true } : [true, false])
            {
                var file = database is null ? null : $"{database}.{round}.{(listening ? "on" : "off")}.db";
                var (rate, cpu) = await MeasureAsync(file, runs, Steps, listening ? exported : null);
                (listening ? on : off).Add(rate);
                (listening ? onCpu : offCpu).Add(cpu);
            }
        }

        var without = Report.Percentile(offCpu, 50);
        var with = Report.Percentile(onCpu, 50);
        var overhead = (with - without) / without * 100;
        report.Add($"telemetry off: {runs} runs × {Steps} steps, {store} (median of {rounds})", Report.Percentile(off, 50), "steps/s");
        report.Add($"telemetry on: metrics + one trace per run, {store}", Report.Percentile(on, 50), "steps/s");
        report.Add($"  CPU per step, telemetry off, {store}", without, "µs");
        report.Add($"  CPU per step, telemetry on, {store}", with, "µs");
        report.Add($"  instrumentation overhead (CPU per step), {store}", overhead, "%", "< 5 %", overhead < 5);
        report.Add($"  spans exported, {store}", exported.Spans, "spans");
    }

    /// <summary>
    /// One measured round on a fresh engine and store (a store that grows round after round would make later rounds
    /// slower, whichever side they measure), after an unmeasured warm-up round.
    /// </summary>
    private static async Task<(double StepsPerSecond, double CpuMicrosecondsPerStep)> MeasureAsync(string? database, int runs, int steps, CountingExporter? exporter)
    {
        await using var bench = new BenchEngine(database, new InMemoryWorkflowCatalog().Add(BenchEngine.Chain("chain", steps)));
        await bench.MigrateAsync();
        using var listening = exporter is null ? null : Listen(exporter);
        await RoundAsync(bench, runs / 4);
        // CPU time, not only wall time: on a shared machine another process's load stretches the wall clock of one
        // round and not the other, while the work this process does stays what it is.
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var seconds = await RoundAsync(bench, runs);
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        return (runs * steps / seconds, cpu.TotalMicroseconds / (runs * steps));
    }

    private static async Task<double> RoundAsync(BenchEngine bench, int runs)
    {
        var watch = Stopwatch.StartNew();
        var ends = await Task.WhenAll(Enumerable.Range(0, runs).Select(_ => bench.StartAsync("chain")));
        var finished = await Task.WhenAll(ends);
        return finished.All(r => r.Status == RunStatus.Succeeded)
            ? watch.Elapsed.TotalSeconds
            : throw new InvalidOperationException("A benchmark run did not succeed; the figures would mean nothing.");
    }

    /// <summary>The SDK as the host configures it for the engine: every metric, every span, batched export.</summary>
    private static Both Listen(CountingExporter exporter)
    {
        var tracer = Sdk.CreateTracerProviderBuilder()
            .AddSource(EngineTelemetry.ActivitySourceName)
            .AddProcessor(new BatchActivityExportProcessor(exporter))
            .Build();
        var meter = Sdk.CreateMeterProviderBuilder()
            .AddMeter(EngineTelemetry.MeterName)
            .AddReader(new PeriodicExportingMetricReader(new CountingMetricExporter(), exportIntervalMilliseconds: 1_000))
            .Build();
        return new Both(tracer, meter);
    }

    private sealed class Both(IDisposable first, IDisposable second) : IDisposable
    {
        public void Dispose()
        {
            first.Dispose();
            second.Dispose();
        }
    }

    private sealed class CountingExporter : BaseExporter<Activity>
    {
        private long _spans;

        public long Spans => Interlocked.Read(ref _spans);

        public override ExportResult Export(in Batch<Activity> batch)
        {
            Interlocked.Add(ref _spans, batch.Count);
            return ExportResult.Success;
        }
    }

    private sealed class CountingMetricExporter : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }
}
