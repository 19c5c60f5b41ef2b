using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Engine.Ports;
using OpsFlow.Persistence.Postgres;
using OpsFlow.Testing;

namespace OpsFlow.Bench;

/// <summary>
/// Several hosts on PostgreSQL (docs/scale-out.md quotes these): runs per second and steps per second with one host
/// and with two, and failover, from SIGKILL of a host to its interrupted runs executing again on the other.
/// </summary>
internal static class ClusterScenarios
{
    private const int StepsPerRun = 5;

    private const string Script = """
        Workflow("bench", "five steps, one fan-out, for the cluster benchmark");

        var ms = Param<int>("ms", "how long each step works", defaultValue: 0);
        var journal = Setting("bench:journal");

        Func<StepContext, Task> Work() => async ctx =>
        {
            if (journal is not null)
            {
                File.WriteAllText(Path.Combine(journal, $"{ctx.Clock.GetUtcNow().UtcTicks}-{ctx.RunId}-{ctx.StepName}-{ctx.Attempt}-{Environment.ProcessId}"), "");
            }

            if (ms > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(ms), ctx.Clock, ctx.CancellationToken);
            }
        };

        var first = Step("s1", Work());
        var a = Step("s2", Work()).After(first);
        var b = Step("s3", Work()).After(first);
        var c = Step("s4", Work()).After(first);
        Step("s5", Work()).After(a, b, c);
        """;

    public static async Task RunAsync(string folder, bool quick, Report report)
    {
        var server = await PostgresServer.StartAsync(durable: true);
        try
        {
            var workflows = Directory.CreateDirectory(Path.Combine(folder, "cluster-workflows")).FullName;
            await File.WriteAllTextAsync(Path.Combine(workflows, "bench.csx"), Script);
            var runs = quick ? 100 : 400;
            await ThroughputAsync(server, workflows, hosts: 1, runs, report);
            await ThroughputAsync(server, workflows, hosts: 2, runs, report);
            await FailoverAsync(server, workflows, folder, quick ? 10 : 20, report);
        }
        finally
        {
            server.Stop();
        }
    }

    private static async Task ThroughputAsync(PostgresServer server, string workflows, int hosts, int runs, Report report)
    {
        var connectionString = await server.CreateDatabaseAsync("bench");
        var started = new List<ClusterHost>();
        try
        {
            for (var i = 0; i < hosts; i++)
            {
                started.Add(await ClusterHost.StartAsync($"bench-{i}", connectionString, workflows, journal: null));
            }

            // Warm-up: each host compiles the script and fills its pools once.
            await Task.WhenAll(started.Select(h => h.StartRunAsync(0)));
            await using var services = new ServiceCollection().AddSingleton(TimeProvider.System).AddOpsFlowPostgres(connectionString, "bench-reader").BuildServiceProvider();
            var store = services.GetRequiredService<IRunStore>();
            await UntilAsync(async () => (await store.GetActiveRunsAsync()).Count == 0, TimeSpan.FromMinutes(2));

            var watch = Stopwatch.StartNew();
            using var gate = new SemaphoreSlim(32);
            await Task.WhenAll(Enumerable.Range(0, runs).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    await started[i % hosts].StartRunAsync(0);
                }
                finally
                {
                    gate.Release();
                }
            }));
            await UntilAsync(async () => (await store.GetActiveRunsAsync()).Count == 0, TimeSpan.FromMinutes(10));
            var seconds = watch.Elapsed.TotalSeconds;
            var label = hosts == 1 ? "one host" : $"{hosts} hosts";
            report.Add($"cluster: runs/s, {label} (PostgreSQL, {runs} runs of {StepsPerRun} steps)", runs / seconds, "runs/s");
            report.Add($"cluster: steps/s, {label}", runs * StepsPerRun / seconds, "steps/s");
        }
        finally
        {
            started.ForEach(h => h.Dispose());
        }
    }

    /// <summary>
    /// Runs with slow steps on two hosts; one host is killed; the time from the kill until each of its interrupted
    /// runs starts a step on the other host (the default lease and check-in settings).
    /// </summary>
    private static async Task FailoverAsync(PostgresServer server, string workflows, string folder, int runs, Report report)
    {
        var connectionString = await server.CreateDatabaseAsync("failover");
        var journal = Directory.CreateDirectory(Path.Combine(folder, "failover-journal")).FullName;
        using var a = await ClusterHost.StartAsync("failover-a", connectionString, workflows, journal);
        using var b = await ClusterHost.StartAsync("failover-b", connectionString, workflows, journal);
        var onA = await Task.WhenAll(Enumerable.Range(0, runs).Select(_ => a.StartRunAsync(3_000)));
        await Task.WhenAll(Enumerable.Range(0, runs).Select(_ => b.StartRunAsync(3_000)));
        await UntilAsync(() => Task.FromResult(Journal(journal).Count(e => e.ProcessId == a.ProcessId) >= runs), TimeSpan.FromMinutes(1));
        await Task.Delay(TimeSpan.FromMilliseconds(500), TimeProvider.System);
        var killedAt = TimeProvider.System.GetUtcNow().UtcTicks;
        a.Kill();

        var interrupted = onA.ToHashSet(StringComparer.Ordinal);
        await UntilAsync(
            () => Task.FromResult(interrupted.All(id => Journal(journal).Any(e => e.RunId == id && e.ProcessId == b.ProcessId && e.Ticks > killedAt))),
            TimeSpan.FromMinutes(2));
        var resumed = interrupted
            .Select(id => Journal(journal).Where(e => e.RunId == id && e.ProcessId == b.ProcessId && e.Ticks > killedAt).Min(e => e.Ticks))
            .Select(ticks => TimeSpan.FromTicks(ticks - killedAt).TotalSeconds)
            .ToArray();
        report.Add($"cluster: failover, kill to resumed, median ({runs} runs)", Report.Percentile(resumed, 50), "s");
        report.Add("cluster: failover, kill to resumed, slowest", resumed.Max(), "s");
    }

    private static (string RunId, int ProcessId, long Ticks)[] Journal(string folder) =>
        Directory.GetFiles(folder).Select(Path.GetFileName).Select(n => n!.Split('-'))
            .Select(p => (p[1], int.Parse(p[4], CultureInfo.InvariantCulture), long.Parse(p[0], CultureInfo.InvariantCulture)))
            .ToArray();

    private static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > within)
            {
                throw new TimeoutException($"The cluster benchmark waited {within} in vain.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        }
    }
}
