using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Telemetry;

namespace OpsFlow.Bench;

/// <summary>
/// What instrumentation costs the engine: the same runs with nobody listening, with the OpenTelemetry SDK recording
/// every engine metric (what the default host does), and with every span too (what a host with OTLP configured does;
/// exported in batches, as OTLP would, to an exporter that only counts). The order of the modes turns every round so
/// drift on a shared machine hits all of them; the median of each is compared.
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

    /// <summary>What listens: nothing; the metrics alone (the default host: Prometheus); metrics and traces (OTLP set).</summary>
    private enum Mode { Off, Metrics, MetricsAndTraces }

    private static async Task CompareAsync(string store, string? database, int runs, int rounds, Report report)
    {
        const int Steps = 10;
        var modes = Enum.GetValues<Mode>();
        var rates = modes.ToDictionary(m => m, _ => new List<double>());
        var cpus = modes.ToDictionary(m => m, _ => new List<double>());
        var exported = new CountingExporter();
        for (var round = 0; round < rounds; round++)
        {
            // The order turns every round: a drift over the rounds (a busy neighbour, a warming JIT) hits every mode.
            foreach (var mode in modes.Skip(round % modes.Length).Concat(modes.Take(round % modes.Length)))
            {
                var file = database is null ? null : $"{database}.{round}.{mode}.db";
                var (rate, cpu) = await MeasureAsync(file, runs, Steps, mode, exported);
                rates[mode].Add(rate);
                cpus[mode].Add(cpu);
            }
        }

        var baseRate = Report.Percentile(rates[Mode.Off], 50);
        var baseCpu = Report.Percentile(cpus[Mode.Off], 50);
        report.Add($"telemetry off: {runs} runs × {Steps} steps, {store} (median of {rounds})", baseRate, "steps/s");
        report.Add($"  CPU per step, telemetry off, {store}", baseCpu, "µs");
        // The goal is the engine benchmark's (SQLite); in memory, with no I/O, the line shows the instrumentation's own cost.
        var goalHere = database is null ? "" : "< 5 %";
        foreach (var (mode, label, goal) in new[] { (Mode.Metrics, "metrics only (the default host)", goalHere), (Mode.MetricsAndTraces, "metrics + one trace per run (OTLP configured)", "") })
        {
            var rate = Report.Percentile(rates[mode], 50);
            var cpu = Report.Percentile(cpus[mode], 50);
            var overhead = (baseRate - rate) / baseRate * 100;
            report.Add($"{label}, {store}", rate, "steps/s");
            report.Add($"  throughput lost to instrumentation, {store}", overhead, "%", goal, goal.Length == 0 ? null : overhead < 5);
            report.Add($"  CPU per step (all threads, GC included), {store}", cpu, "µs");
        }

        report.Add($"  spans exported, {store}", exported.Spans, "spans");
    }

    /// <summary>
    /// One measured round on a fresh engine and store (a store that grows round after round would make later rounds
    /// slower, whichever side they measure), after an unmeasured warm-up round.
    /// </summary>
    private static async Task<(double StepsPerSecond, double CpuMicrosecondsPerStep)> MeasureAsync(string? database, int runs, int steps, Mode mode, CountingExporter exporter)
    {
        await using var bench = new BenchEngine(database, new InMemoryWorkflowCatalog().Add(BenchEngine.Chain("chain", steps)));
        await bench.MigrateAsync();
        using var listening = mode == Mode.Off ? null : Listen(exporter, traces: mode == Mode.MetricsAndTraces);
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

    /// <summary>The SDK as the host configures it for the engine: every metric, and with traces every span, batched export.</summary>
    private static Both Listen(CountingExporter exporter, bool traces)
    {
        var tracer = Sdk.CreateTracerProviderBuilder()
            .AddSource(traces ? EngineTelemetry.ActivitySourceName : "none")
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
