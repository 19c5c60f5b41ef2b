using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;

using OpsFlow.Persistence.Sqlite;

namespace OpsFlow.Bench;

internal static class Scenarios
{
    /// <summary>The machine's baseline: one-row transactions through Microsoft.Data.Sqlite, WAL, synchronous=NORMAL.</summary>
    public static async Task RawSqliteAsync(string folder, int transactions, Report report)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(folder, "raw.db")}");
        await connection.OpenAsync();
        await Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT NOT NULL);");
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO t (payload) VALUES ($p)";
        insert.Parameters.AddWithValue("$p", "step Running -> Succeeded");
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < transactions; i++)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            insert.Transaction = (SqliteTransaction)transaction;
            await insert.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
        }

        report.Add("raw SQLite single-row transactions", transactions / watch.Elapsed.TotalSeconds, "tx/s");
        RawRate = transactions / watch.Elapsed.TotalSeconds;
    }

    private static double RawRate { get; set; }

    /// <summary>One run at a time, 10 no-op steps each: the latency a person sees, and the engine's gap between steps.</summary>
    public static async Task SequentialAsync(string folder, int runs, Report report)
    {
        var starts = new ConcurrentQueue<long>();
        await using var bench = new BenchEngine(Path.Combine(folder, "sequential.db"), new InMemoryWorkflowCatalog().Add(BenchEngine.Chain("chain10", 10, starts)));
        await bench.MigrateAsync();
        var (gaps, durations) = await MeasureSequentialAsync(bench, starts, runs);
        report.Add("per no-op step overhead p50 (SQLite)", Report.Percentile(gaps, 50), "ms", "≤ 2 ms", Report.Percentile(gaps, 50) <= 2);
        report.Add("per no-op step overhead p99 (SQLite)", Report.Percentile(gaps, 99), "ms");
        report.Add("10-step sequential run p50 (SQLite)", Report.Percentile(durations, 50), "ms", "≤ 50 ms", Report.Percentile(durations, 50) <= 50);
        report.Add("10-step sequential run p99 (SQLite)", Report.Percentile(durations, 99), "ms");
    }

    /// <summary>
    /// The same with OpsFlow:Database:Durability=power (synchronous=FULL: each commit synced before it is acknowledged),
    /// beside the default's figures above, so README can say what surviving a power cut costs on this machine.
    /// </summary>
    public static async Task SequentialPowerAsync(string folder, int runs, Report report)
    {
        var starts = new ConcurrentQueue<long>();
        await using var bench = new BenchEngine(Path.Combine(folder, "sequential-power.db"), new InMemoryWorkflowCatalog().Add(BenchEngine.Chain("chain10", 10, starts)), SqliteDurability.Power);
        await bench.MigrateAsync();
        var (gaps, durations) = await MeasureSequentialAsync(bench, starts, runs);
        report.Add("per no-op step overhead p50 (SQLite, durability power)", Report.Percentile(gaps, 50), "ms");
        report.Add("10-step sequential run p50 (SQLite, durability power)", Report.Percentile(durations, 50), "ms");
        report.Add("10-step sequential run p99 (SQLite, durability power)", Report.Percentile(durations, 99), "ms");
    }

    /// <summary>The same on the in-memory store: what the engine costs without the database.</summary>
    public static async Task InMemoryAsync(int runs, Report report)
    {
        var starts = new ConcurrentQueue<long>();
        await using var bench = new BenchEngine(null, new InMemoryWorkflowCatalog().Add(BenchEngine.Chain("chain10", 10, starts)));
        var (gaps, durations) = await MeasureSequentialAsync(bench, starts, runs);
        report.Add("per no-op step overhead p50 (in memory)", Report.Percentile(gaps, 50), "ms");
        report.Add("10-step sequential run p50 (in memory)", Report.Percentile(durations, 50), "ms");
    }

    /// <summary>
    /// 200 runs × 10 no-op steps at once: the engine's step throughput on SQLite. One unmeasured round warms up
    /// the JIT, the EF model and the database file; the median of three measured rounds is reported.
    /// </summary>
    public static async Task ThroughputAsync(string folder, int runs, int steps, Report report)
    {
        await using var bench = new BenchEngine(Path.Combine(folder, "throughput.db"), new InMemoryWorkflowCatalog().Add(BenchEngine.Chain("chain", steps)));
        await bench.MigrateAsync();
        await RoundAsync(bench, runs);
        var rounds = new List<double>();
        for (var round = 0; round < 3; round++)
        {
            rounds.Add(await RoundAsync(bench, runs));
        }

        var elapsed = Report.Percentile(rounds, 50);
        var rate = runs * steps / elapsed;
        report.Add($"throughput, {runs} concurrent runs × {steps} steps (median of 3)", rate, "steps/s", "≥ 2,000", rate >= 2_000);
        report.Add("  ratio to raw SQLite tx/s", rate / RawRate, "×");
        report.Add("  wall time for all runs", elapsed * 1000, "ms");
    }

    private static async Task<double> RoundAsync(BenchEngine bench, int runs)
    {
        var watch = Stopwatch.StartNew();
        var ends = await Task.WhenAll(Enumerable.Range(0, runs).Select(_ => bench.StartAsync("chain")));
        var finished = await Task.WhenAll(ends);
        var failed = finished.Count(r => r.Status != RunStatus.Succeeded);
        return failed == 0
            ? watch.Elapsed.TotalSeconds
            : throw new InvalidOperationException($"{failed} benchmark run(s) did not succeed; the figures would mean nothing.");
    }

    /// <summary>200 runs in flight when the engine stops; a new engine resumes them from the database.</summary>
    public static async Task ResumeAsync(string folder, int runs, Report report)
    {
        var database = Path.Combine(folder, "resume.db");
        var blocked = 0;
        await using (var before = new BenchEngine(database, new InMemoryWorkflowCatalog().Add(BenchEngine.Chain("chain", 10, at5: async ctx =>
        {
            Interlocked.Increment(ref blocked);
            await Task.Delay(Timeout.InfiniteTimeSpan, ctx.Clock, ctx.CancellationToken);
        }))))
        {
            await before.MigrateAsync();
            await Task.WhenAll(Enumerable.Range(0, runs).Select(_ => before.StartAsync("chain")));
            while (Volatile.Read(ref blocked) < runs)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
            }
        }

        var relaunched = 0;
        var allRelaunched = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = Stopwatch.StartNew();
        await using var after = new BenchEngine(database, new InMemoryWorkflowCatalog().Add(BenchEngine.Chain("chain", 10, at5: _ =>
        {
            if (Interlocked.Increment(ref relaunched) == runs)
            {
                allRelaunched.TrySetResult();
            }

            return Task.CompletedTask;
        })));
        var resumed = await after.Engine.RecoverAsync();
        var recovered = watch.Elapsed.TotalMilliseconds;
        await allRelaunched.Task;
        var relaunchedAt = watch.Elapsed.TotalMilliseconds;
        var page = await after.Store.ListRunsAsync(new() { Take = runs });
        await Task.WhenAll(page.Runs.Select(r => after.Ended(r.Id)));
        var finished = watch.Elapsed.TotalMilliseconds;
        report.Add($"resume {resumed} in-flight runs: loaded and coordinators up", recovered, "ms");
        report.Add($"resume {resumed} in-flight runs: interrupted steps running again", relaunchedAt, "ms", "≤ 2,000 ms", relaunchedAt <= 2_000);
        report.Add($"resume {resumed} in-flight runs: all finished", finished, "ms");
    }

    private static async Task<(List<double> Gaps, List<double> Durations)> MeasureSequentialAsync(BenchEngine bench, ConcurrentQueue<long> starts, int runs)
    {
        // Warm-up: tiered JIT, the EF model, the connection pool. Steady state is what a long-running host sees.
        for (var i = 0; i < 100; i++)
        {
            await await bench.StartAsync("chain10");
        }

        var gaps = new List<double>();
        var durations = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            starts.Clear();
            var begin = Stopwatch.GetTimestamp();
            await await bench.StartAsync("chain10");
            durations.Add(Stopwatch.GetElapsedTime(begin).TotalMilliseconds);
            var stamps = starts.ToArray();
            for (var s = 1; s < stamps.Length; s++)
            {
                gaps.Add(Stopwatch.GetElapsedTime(stamps[s - 1], stamps[s]).TotalMilliseconds);
            }
        }

        return (gaps, durations);
    }

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
