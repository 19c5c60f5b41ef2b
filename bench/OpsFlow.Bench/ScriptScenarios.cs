using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using OpsFlow.Scripting;

namespace OpsFlow.Bench;

/// <summary>Workflow scripts: Roslyn compile cost, loading from the disk cache, and memory as contexts come and go.</summary>
internal static class ScriptScenarios
{
    private const double Megabyte = 1024 * 1024;

    public static async Task RunAsync(string folder, bool quick, Report report)
    {
        var counts = quick ? ScriptCounts.Quick : ScriptCounts.Full;
        var workspace = new ScriptWorkspace(folder, counts.Scripts, counts.MaxLoaded);
        Compile(workspace, counts.WarmCompiles, report);
        await FillDiskCacheAsync(workspace, report);
        await CacheHitAsync(workspace, counts.CacheHits, report);
        await RestartAsync(workspace, report);
        await MemoryAsync(workspace, counts, report);
    }

    /// <summary>
    /// The first compile of the process pays for Roslyn's JIT and for reading the framework's reference assemblies;
    /// later ones show what an edited script costs a running host.
    /// </summary>
    private static void Compile(ScriptWorkspace workspace, int warm, Report report)
    {
        var times = new List<double>();
        for (var i = 0; i <= warm; i++)
        {
            var started = Stopwatch.GetTimestamp();
            _ = ScriptCompiler.Compile(workspace.Sources[i], out var problems, CancellationToken.None)
                ?? throw new InvalidOperationException($"The bench script does not compile: {string.Join("; ", problems)}");
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        report.Add("script compile, first in process (cold Roslyn)", times[0], "ms");
        report.Add($"script compile, warm (median of {warm} distinct)", Report.Percentile(times[1..], 50), "ms");
    }

    /// <summary>Setup for the load scenarios, measured anyway: a first start on an empty cache compiles every script.</summary>
    private static async Task FillDiskCacheAsync(ScriptWorkspace workspace, Report report)
    {
        using var catalog = workspace.NewCatalog();
        var started = Stopwatch.GetTimestamp();
        var statuses = await catalog.ReloadAsync();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        EnsureLoaded(statuses, workspace.Sources.Count);
        report.Add($"script reload, empty cache: {statuses.Count} scripts compiled, per script", elapsed / statuses.Count, "ms");
    }

    /// <summary>
    /// Distinct scripts, so the in-memory cache never answers: each pays the disk read, a new collectible context,
    /// loading the assembly and running the script to describe its 11-step workflow.
    /// </summary>
    private static async Task CacheHitAsync(ScriptWorkspace workspace, int scripts, Report report)
    {
        using var cache = workspace.NewCache();
        var totals = new List<double>();
        var loads = new List<double>();
        var declares = new List<double>();
        var redeclares = new List<double>();
        for (var i = 0; i < scripts; i++)
        {
            var source = workspace.Sources[i];
            var started = Stopwatch.GetTimestamp();
            var script = await cache.GetAsync(source, CancellationToken.None);
            var loaded = Stopwatch.GetTimestamp();
            await workspace.DescribeAsync(script, source);
            totals.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            loads.Add(Stopwatch.GetElapsedTime(started, loaded).TotalMilliseconds);
            declares.Add(Stopwatch.GetElapsedTime(loaded).TotalMilliseconds);

            // The same script again: its code is JIT-compiled now, so the difference is what JIT costs per load.
            var again = Stopwatch.GetTimestamp();
            await workspace.DescribeAsync(script, source);
            redeclares.Add(Stopwatch.GetElapsedTime(again).TotalMilliseconds);
        }

        var p95 = Report.Percentile(totals, 95);
        report.Add($"script cache hit, load + declare p50 ({scripts} distinct)", Report.Percentile(totals, 50), "ms", "≤ 50 ms", Report.Percentile(totals, 50) <= 50);
        report.Add($"script cache hit, load + declare p95 ({scripts} distinct)", p95, "ms", "≤ 50 ms", p95 <= 50);
        report.Add("  read bytes + load into new context p50", Report.Percentile(loads, 50), "ms");
        report.Add("  run script to declare p50", Report.Percentile(declares, 50), "ms");
        report.Add("  run it to declare again, JIT done, p50", Report.Percentile(redeclares, 50), "ms");
        report.Add("  first of them (fresh cache instance)", totals[0], "ms");
    }

    /// <summary>A host restart: a new catalog over the folder, every script from the disk cache.</summary>
    private static async Task RestartAsync(ScriptWorkspace workspace, Report report)
    {
        using var catalog = workspace.NewCatalog();
        var started = Stopwatch.GetTimestamp();
        var statuses = await catalog.ReloadAsync();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        EnsureLoaded(statuses, workspace.Sources.Count);
        report.Add($"script reload, warm disk cache: {statuses.Count} scripts", elapsed, "ms");
    }

    /// <summary>
    /// Loads every script once through one cache whose LRU unloads all but the last MaxLoaded. Memory is taken
    /// after warm-up, halfway and at the end; a weak reference to every context tells whether unloading frees it.
    /// </summary>
    private static async Task MemoryAsync(ScriptWorkspace workspace, ScriptCounts counts, Report report)
    {
        var contexts = new List<WeakReference>(counts.Scripts);
        var half = counts.Scripts / 2;
        var cache = workspace.NewCache();
        await LoadRangeAsync(workspace, cache, 0, counts.MemoryWarmUp, contexts);
        var baseline = await MeasureAsync();
        await LoadRangeAsync(workspace, cache, counts.MemoryWarmUp, half, contexts);
        var middle = await MeasureAsync();
        await LoadRangeAsync(workspace, cache, half, counts.Scripts, contexts);
        var end = await MeasureAsync();
        var alive = contexts.Count(c => c.IsAlive);
        var loadedAtEnd = cache.LoadedCount;

        // Unloading what the LRU still holds shows what a loaded context costs, and that none is held elsewhere.
        cache.Dispose();
        var unloaded = await MeasureAsync();
        var aliveAfterDispose = contexts.Count(c => c.IsAlive);

        var growth = end.WorkingSet - baseline.WorkingSet;
        var tail = end.WorkingSet - middle.WorkingSet;
        var label = $"{counts.MemoryWarmUp} → {counts.Scripts} scripts";
        report.Add($"script memory, managed heap {label}", end.Heap - baseline.Heap, "MB", "≤ 100 MB", end.Heap - baseline.Heap <= 100);
        report.Add($"script memory, working set {label}", growth, "MB", "≤ 100 MB", growth <= 100);
        report.Add($"script memory, managed heap {half} → {counts.Scripts} scripts", end.Heap - middle.Heap, "MB", "flat, ≤ 10 MB", end.Heap - middle.Heap <= 10);
        report.Add($"script memory, working set {half} → {counts.Scripts} scripts", tail, "MB", "flat, ≤ 10 MB", tail <= 10);
        report.Add("  managed heap / working set at baseline", baseline.Heap, $"/ {baseline.WorkingSet:0.#} MB");
        report.Add("  managed heap / working set at end", end.Heap, $"/ {end.WorkingSet:0.#} MB");
        report.Add($"  contexts still alive after full GC (LRU keeps {loadedAtEnd})", alive, $"of {contexts.Count}", $"≤ {counts.MaxLoaded}", alive <= counts.MaxLoaded);
        report.Add($"  working set freed by unloading those {loadedAtEnd}", end.WorkingSet - unloaded.WorkingSet, "MB");
        report.Add("  contexts still alive after the cache is disposed", aliveAfterDispose, "contexts", "0", aliveAfterDispose == 0);
    }

    private static async Task LoadRangeAsync(ScriptWorkspace workspace, ScriptCache cache, int from, int to, List<WeakReference> contexts)
    {
        for (var i = from; i < to; i++)
        {
            contexts.Add(await LoadOneAsync(workspace, cache, workspace.Sources[i]));
        }
    }

    // Its own frame, so no script or definition stays reachable from this method's locals or state machine.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<WeakReference> LoadOneAsync(ScriptWorkspace workspace, ScriptCache cache, ScriptSource source)
    {
        var script = await cache.GetAsync(source, CancellationToken.None);
        await workspace.DescribeAsync(script, source);
        return new WeakReference(AssemblyLoadContext.GetLoadContext(script.Assembly));
    }

    private static async Task<(double Heap, double WorkingSet)> MeasureAsync()
    {
        // ScriptDeclarer awaits the Task.Run that ran the script with ConfigureAwait(false), so this code runs
        // inline under that task's frame on a pool thread, and the frame keeps the last script reachable.
        // Yielding unwinds it; otherwise the newest context survives every GC and looks like a leak.
        await Task.Yield();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var heap = GC.GetTotalMemory(forceFullCollection: true) / Megabyte;
        using var process = Process.GetCurrentProcess();
        return (heap, process.WorkingSet64 / Megabyte);
    }

    private static void EnsureLoaded(IReadOnlyList<ScriptFileStatus> statuses, int expected)
    {
        var broken = statuses.Where(s => !s.Ok).ToArray();
        if (broken.Length > 0 || statuses.Count != expected)
        {
            throw new InvalidOperationException($"{statuses.Count - broken.Length} of {expected} bench scripts loaded; the figures would mean nothing. {string.Join("; ", broken.SelectMany(b => b.Problems))}");
        }
    }
}
