using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Setup;
using OpsFlow.Persistence;
using OpsFlow.Persistence.Sqlite;
using OpsFlow.Scheduling;
using Quartz;

namespace OpsFlow.Bench;

/// <summary>
/// What Quartz costs: the extra latency of a delayed step (a retry delay) when its timer goes through Quartz's
/// SQLite store instead of an in-process timer, and the scheduler's start-up with many pending timers stored.
/// </summary>
internal static class SchedulingScenarios
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(50);

    public static async Task RunAsync(string folder, bool quick, Report report)
    {
        await DelayedStepAsync(folder, quick ? 20 : 100, report);
        await StartupAsync(folder, quick ? 1_000 : 10_000, report);
    }

    /// <summary>
    /// A step that fails once and is retried after 50 ms, one run at a time: the time from attempt 1 starting to
    /// attempt 2 starting, less the 50 ms, is what a delayed step costs beyond its delay. The same engine on the
    /// same kind of SQLite file runs with in-process timers, then with Quartz's.
    /// </summary>
    private static async Task DelayedStepAsync(string folder, int runs, Report report)
    {
        var inProcess = await MeasureDelayedAsync(Path.Combine(folder, "delay-inprocess.db"), quartz: false, runs);
        var quartz = await MeasureDelayedAsync(Path.Combine(folder, "delay-quartz.db"), quartz: true, runs);
        foreach (var percentile in new[] { 50, 95 })
        {
            var (p, q) = (Report.Percentile(inProcess, percentile), Report.Percentile(quartz, percentile));
            report.Add($"delayed step beyond its delay p{percentile} (in-process timers)", p, "ms");
            report.Add($"delayed step beyond its delay p{percentile} (Quartz on SQLite)", q, "ms");
            report.Add($"  Quartz's extra per delayed step p{percentile}", q - p, "ms");
        }
    }

    private static async Task<List<double>> MeasureDelayedAsync(string database, bool quartz, int runs)
    {
        var attempts = new ConcurrentDictionary<(string RunId, int Attempt), long>();
        var workflow = new WorkflowBuilder("delayed", "fails once, retried after 50 ms");
        workflow.Step("flaky", ctx =>
        {
            attempts[(ctx.RunId, ctx.Attempt)] = Stopwatch.GetTimestamp();
            if (ctx.Attempt == 1)
            {
                throw new InvalidOperationException("the first attempt fails on purpose");
            }
        }).Retry(max: 2, initialDelay: RetryDelay);
        var ends = new RunEnds();
        await using var host = await SchedulingHost.StartAsync(database, new InMemoryWorkflowCatalog().Add(workflow.Build()), quartz, ends);

        // Warm-up: JIT, EF model, Quartz's statements and thread; steady state is what a long-running host sees.
        for (var i = 0; i < 10; i++)
        {
            await host.RunAsync("delayed", ends);
        }

        var extra = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var run = await host.RunAsync("delayed", ends);
            var gap = Stopwatch.GetElapsedTime(attempts[(run.Id, 1)], attempts[(run.Id, 2)]);
            extra.Add((gap - RetryDelay).TotalMilliseconds);
        }

        return extra;
    }

    /// <summary>
    /// <paramref name="timers"/> retry timers due in 30 days stored through <see cref="QuartzWorkflowTimers"/>, then a
    /// fresh container and scheduler started on that file (started: Start returned, its store's start-up recovery
    /// done), against the same on an empty store. Each figure is the best of three starts: the first pays the JIT.
    /// </summary>
    private static async Task StartupAsync(string folder, int timers, Report report)
    {
        var empty = Path.Combine(folder, "startup-empty.db");
        var full = Path.Combine(folder, "startup-full.db");
        await using (var filling = await SchedulingHost.StartAsync(full, new InMemoryWorkflowCatalog(), quartz: true, ends: null))
        {
            var scheduling = new List<double>(timers);
            var due = TimeProvider.System.GetUtcNow().AddDays(30);
            for (var i = 0; i < timers; i++)
            {
                var began = Stopwatch.GetTimestamp();
                await filling.Timers.ScheduleAsync(new WorkflowTimer($"run{i:00000}", "step", TimerKind.Retry, due, $"bench timer {i}"));
                scheduling.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
            }

            report.Add("arming a Quartz timer (ScheduleAsync) p50", Report.Percentile(scheduling, 50), "ms");
        }

        var emptyStart = await BestStartAsync(empty, expected: 0);
        var fullStart = await BestStartAsync(full, expected: timers);
        report.Add("Quartz start-up, empty store (best of 3)", emptyStart, "ms");
        report.Add($"Quartz start-up, {timers:N0} pending timers (best of 3)", fullStart, "ms", "≤ 2,000 ms", fullStart <= 2_000);
    }

    private static async Task<double> BestStartAsync(string database, int expected)
    {
        var best = double.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            var began = Stopwatch.GetTimestamp();
            await using var host = await SchedulingHost.StartAsync(database, new InMemoryWorkflowCatalog(), quartz: true, ends: null);
            best = Math.Min(best, Stopwatch.GetElapsedTime(began).TotalMilliseconds);
            var stored = await host.PendingTimersAsync();
            if (stored != expected)
            {
                throw new InvalidOperationException($"The store holds {stored} timers, not {expected}; the start-up figure would mean nothing.");
            }
        }

        return best;
    }

    /// <summary>Completes when each run reaches a terminal status.</summary>
    private sealed class RunEnds : IRunObserver
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource<RunRecord>> _ends = new();

        public Task<RunRecord> Ended(string runId) => Slot(runId).Task;

        public ValueTask OnRunChangedAsync(RunChanged change, CancellationToken cancellationToken = default)
        {
            if (StateMachine.IsTerminal(change.Run.Status))
            {
                Slot(change.Run.Id).TrySetResult(change.Run);
            }

            return ValueTask.CompletedTask;
        }

        private TaskCompletionSource<RunRecord> Slot(string runId) =>
            _ends.GetOrAdd(runId, _ => new TaskCompletionSource<RunRecord>(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    /// <summary>A container wired like the bot (store, engine, timers in process or in Quartz), started.</summary>
    private sealed class SchedulingHost : IAsyncDisposable
    {
        private static readonly Actor Runner = new("bench", "Bench", new HashSet<string> { Roles.Operator });
        private readonly ServiceProvider _services;
        private readonly IScheduler? _scheduler;

        private SchedulingHost(ServiceProvider services, IScheduler? scheduler)
        {
            _services = services;
            _scheduler = scheduler;
        }

        public IWorkflowTimers Timers => _services.GetRequiredService<IWorkflowTimers>();

        public static async Task<SchedulingHost> StartAsync(string database, InMemoryWorkflowCatalog catalog, bool quartz, IRunObserver? ends)
        {
            var connectionString = $"Data Source={database}";
            var services = new ServiceCollection()
                .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
                .AddSingleton(TimeProvider.System)
                .AddOpsFlowSqlite(connectionString)
                .AddSingleton<IWorkflowCatalog>(catalog)
                .AddOpsFlowEngine();
            if (ends is not null)
            {
                services.AddSingleton(ends);
            }

            if (quartz)
            {
                services.AddOpsFlowScheduling(retention => retention.StepLogDays = 0);
            }

            var provider = services.BuildServiceProvider();
            await provider.GetRequiredService<DatabaseMigrator>().MigrateAsync();
            IScheduler? scheduler = null;
            if (quartz)
            {
                scheduler = await provider.GetRequiredService<ISchedulerFactory>().GetScheduler();
                await scheduler.Start();
            }

            return new SchedulingHost(provider, scheduler);
        }

        public async Task<RunRecord> RunAsync(string workflow, RunEnds ends)
        {
            var result = await _services.GetRequiredService<WorkflowEngine>().StartAsync(new StartRunRequest(workflow, new Dictionary<string, string?>(), Runner, "bench"));
            var run = await ends.Ended(((StartRunResult.Started)result).Run.Id).WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System);
            return run.Status == RunStatus.Succeeded
                ? run
                : throw new InvalidOperationException($"Benchmark run {run.Id} ended {run.Status}: {run.Error}; the figures would mean nothing.");
        }

        public async Task<int> PendingTimersAsync()
        {
            var page = await _scheduler!.QueryTriggers(new TriggerQuery { Group = GroupMatcher<TriggerKey>.GroupEquals("opsflow-timers"), Take = 100_000 });
            return page.Items.Count;
        }

        public async ValueTask DisposeAsync()
        {
            await _services.GetRequiredService<WorkflowEngine>().DisposeAsync();
            if (_scheduler is not null)
            {
                await _scheduler.Shutdown(waitForJobsToComplete: false);
            }

            await _services.DisposeAsync();
            SqliteConnection.ClearAllPools();
        }
    }
}
