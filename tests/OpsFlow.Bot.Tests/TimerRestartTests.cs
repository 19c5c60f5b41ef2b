using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Persistence;
using OpsFlow.Persistence.Sqlite;
using Xunit.Abstractions;

namespace OpsFlow.Bot.Tests;

/// <summary>
/// Quartz's durable timers across a real process restart: OpsFlow.TimerHost (engine + Quartz on one SQLite file)
/// is SIGKILLed while a retry delay, an approval deadline or a schedule is pending, and started again. The
/// database and the steps' journal ("start run step attempt ticks") say what fired, when, and how often.
/// </summary>
[Collection(ProcessKillCollection.Name)]
[Trait(Categories.Name, Categories.Slow)]
public sealed class TimerRestartTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(6); // TimerWorkflows.Delay in the host
    private static readonly TimeSpan Cadence = TimeSpan.FromSeconds(5); // TimerWorkflows.Cron in the host
    private readonly string _folder = Directory.CreateTempSubdirectory("opsflow-timers-").FullName;
    private readonly List<Process> _hosts = [];

    private string Database => Path.Combine(_folder, "opsflow.db");

    private string Journal => Path.Combine(_folder, "journal.txt");

    [Fact]
    public async Task KilledDuringRetryDelay_RetryFiresOnceAfterRestart_NotBeforeItsDueTime()
    {
        var first = Start("retry");
        var waiting = await WaitForAsync(
            async () => (await StepAsync("flaky")) is { Status: StepStatus.Waiting, DueAt: not null } step ? step : null,
            TimeSpan.FromSeconds(30), "attempt 1 to fail and the step to wait for its retry");
        var due = waiting.DueAt!.Value;
        await KillAsync(first);
        output.WriteLine($"killed {(due - TimeProvider.System.GetUtcNow()).TotalSeconds:0.0} s before the retry was due");
        Assert.True(due > TimeProvider.System.GetUtcNow(), "the host was killed after the retry was due; the test needs it killed during the delay");

        Start("retry");
        var run = await WaitForAsync(async () => await RunAsync() is { Status: RunStatus.Succeeded } r ? r : null,
            TimeSpan.FromSeconds(30), "the run to succeed with attempt 2 after the restart");

        var attempts = Starts("flaky");
        Assert.True(attempts.Count(a => a.Attempt == 1) == 1, $"attempt 1 started {attempts.Count(a => a.Attempt == 1)} times");
        var second = attempts.Where(a => a.Attempt == 2).ToArray();
        Assert.True(second.Length == 1, $"attempt 2 started {second.Length} times; the retry must fire exactly once");
        Assert.True(attempts.All(a => a.Attempt <= 2), $"attempts beyond 2 started: {string.Join(", ", attempts.Select(a => a.Attempt))}");
        var late = second[0].At - due;
        output.WriteLine($"attempt 2 started {late.TotalMilliseconds:0} ms after its due time {due:HH:mm:ss.fff}");
        Assert.True(late >= TimeSpan.Zero, $"attempt 2 started {-late.TotalMilliseconds:0} ms before its due time {due:O}");
        Assert.True(late <= TimeSpan.FromSeconds(3), $"attempt 2 started {late.TotalSeconds:0.0} s after its due time; expected within 3 s");
        Assert.Equal(2, (await StepAsync("flaky"))!.Attempt);
        await NoTimerTriggersLeftAsync(run.Id);
    }

    [Fact]
    public async Task KilledWhileWaitingForApproval_RestartedAfterDeadline_TimeoutFiresOnce_AndRunFails()
    {
        var first = Start("approval");
        var waiting = await WaitForAsync(
            async () => (await StepAsync("gate")) is { Status: StepStatus.Waiting, DueAt: not null } step ? step : null,
            TimeSpan.FromSeconds(30), "the approval to wait for a decision");
        var deadline = waiting.DueAt!.Value;
        await KillAsync(first);

        // Stay down until the deadline has passed: the timeout must fire from the store after the restart.
        await WaitForAsync(() => Task.FromResult(TimeProvider.System.GetUtcNow() > deadline + TimeSpan.FromSeconds(1) ? "" : null),
            Delay + TimeSpan.FromSeconds(5), "the approval deadline to pass while the host is down");
        Start("approval");
        // Failed is not terminal (a person may still retry or roll back), so wait for it by name.
        var run = await WaitForAsync(async () => await RunAsync() is { } r && (r.Status == RunStatus.Failed || StateMachine.IsTerminal(r.Status)) ? r : null,
            TimeSpan.FromSeconds(30), "the run to fail or end after the restart");

        var history = await WithStoreAsync(store => store.GetHistoryAsync(run.Id), notYet: []);
        var timeouts = history.Where(h => h.Step == "gate" && h.To == nameof(StepStatus.TimedOut)).ToArray();
        Assert.True(timeouts.Length == 1, $"the approval timed out {timeouts.Length} times; history:\n{Describe(history)}");
        Assert.True(run.Status == RunStatus.Failed, $"a rejected-on-timeout approval fails the run; it ended {run.Status}");
        Assert.True(timeouts[0].At >= deadline, $"the timeout was recorded at {timeouts[0].At:O}, before the deadline {deadline:O}");
        Assert.True(Starts("after").Length == 0, "the step after the approval ran although nobody approved");
        var gate = await StepAsync("gate");
        Assert.True(gate!.Status == StepStatus.TimedOut, $"the approval step is {gate.Status}");
        Assert.True(history.Count(h => h.Kind == HistoryKind.Run && h.To == nameof(RunStatus.Failed)) == 1, $"the run failed more than once; history:\n{Describe(history)}");
        await NoTimerTriggersLeftAsync(run.Id);
    }

    [Fact]
    public async Task KilledAcrossSeveralScheduleTimes_MissedTimesStartOneLateRun_ThenCadenceResumes()
    {
        var first = Start("schedule");
        await WaitForAsync(async () => (await ScheduledRunsAsync()).Length >= 2 ? "" : null, TimeSpan.FromSeconds(30), "two scheduled runs before the kill");
        await KillAsync(first);
        var downSince = TimeProvider.System.GetUtcNow();
        var before = await ScheduledRunsAsync();

        // Down across several due times, and long enough that the first missed one fires over 30 s late, which is
        // when the job calls a firing late (the kill lands just after a due time, so the first missed one is ~5 s on).
        var downFor = TimeSpan.FromSeconds(36);
        await WaitForAsync(() => Task.FromResult(TimeProvider.System.GetUtcNow() - downSince >= downFor ? "" : null), downFor + TimeSpan.FromSeconds(5), "the downtime to pass");
        var restartedAt = TimeProvider.System.GetUtcNow();
        Start("schedule");
        var after = await WaitForAsync(
            async () => await ScheduledRunsAsync() is var runs && runs.Count(r => r.Due > restartedAt) >= 2 ? runs : null,
            TimeSpan.FromSeconds(30), "the late run and two on-cadence runs after the restart");

        var missed = after.Where(r => r.Due > before.Max(b => b.Due) && r.Due <= restartedAt).ToArray();
        output.WriteLine($"down {downSince:HH:mm:ss.fff}–{restartedAt:HH:mm:ss.fff}; runs: {string.Join("; ", after.Select(r => $"{r.Due:HH:mm:ss} {r.Run.Trigger}"))}");
        Assert.True(missed.Length == 1, $"{missed.Length} runs started for the {(int)(downFor / Cadence)} due times missed while down; expected exactly one");
        Assert.True(missed[0].Due >= downSince && missed[0].Due <= downSince + Cadence, $"the late run is for {missed[0].Due:O}; expected the first time missed after {downSince:O}");
        Assert.True(missed[0].Run.Trigger.Contains("late because OpsFlow was down", StringComparison.Ordinal), $"the late run's trigger does not say it was late: {missed[0].Run.Trigger}");

        var resumed = after.Where(r => r.Due > restartedAt).OrderBy(r => r.Due).ToArray();
        var saysLate = resumed.Where(r => r.Run.Trigger.Contains("late", StringComparison.Ordinal)).Select(r => r.Run.Trigger).ToArray();
        Assert.True(saysLate.Length == 0, $"an on-cadence run says it was late: {string.Join("; ", saysLate)}");
        Assert.True(resumed.All(r => r.Due.Ticks % Cadence.Ticks == 0), "an on-cadence run is not due on a 5-s boundary");
        for (var i = 1; i < resumed.Length; i++)
        {
            Assert.True(resumed[i].Due - resumed[i - 1].Due == Cadence, $"runs after the restart are {(resumed[i].Due - resumed[i - 1].Due).TotalSeconds} s apart, not every 5 s");
        }

        var all = after.Select(r => r.Run.RequestId).ToArray();
        Assert.True(all.Distinct().Count() == all.Length, "two runs share a schedule fire time");
        // At-least-once: a tick the kill interrupted runs again after the restart, as its next attempt; no attempt
        // may start twice, and every run ticked (the newest run's tick may still be on its way when the run exists).
        await WaitForAsync(() => Task.FromResult(TickStarts().Select(t => t.RunId).Distinct().Count() >= after.Length ? "" : null),
            TimeSpan.FromSeconds(10), "every scheduled run to tick");
        var ticks = TickStarts();
        Assert.True(ticks.Distinct().Count() == ticks.Length, $"an attempt started twice: {string.Join(", ", ticks)}");
        Assert.True(ticks.Count(t => t.Attempt > 1) <= 1, $"more than the one interrupted tick ran again: {string.Join(", ", ticks)}");
        Assert.True(ticks.Select(t => t.RunId).Distinct().Count() == after.Length, $"{ticks.Select(t => t.RunId).Distinct().Count()} runs ticked of {after.Length}");
    }

    /// <summary>The host for <paramref name="scenario"/> on this test's database and journal.</summary>
    [Fact]
    public async Task KilledWhileAStepExecutes_WithoutTheEnginesOwnRecovery_QuartzRefiresTheRunsJob_AndTheRunFinishes()
    {
        var first = Start("job");
        await WaitForAsync(async () => await StepAsync("slow") is { Status: StepStatus.Running } step ? step : null,
            TimeSpan.FromSeconds(30), "the slow step to execute");
        await WaitForAsync(() => Task.FromResult(Starts("slow").Length == 1 ? "started" : null), TimeSpan.FromSeconds(10), "attempt 1 to start");
        await KillAsync(first);

        // This host skips the engine's start-up recovery: only the run's Quartz job, re-fired because it requests
        // recovery, can bring the run back.
        Start("job");
        var run = await WaitForAsync(async () => await RunAsync() is { Status: RunStatus.Succeeded } r ? r : null,
            TimeSpan.FromSeconds(30), "the run to be resumed through Quartz and succeed");

        var attempts = Starts("slow").Select(a => a.Attempt).ToArray();
        Assert.True(attempts.SequenceEqual([1, 2]), $"attempts started: {string.Join(", ", attempts)}; expected 1 (killed) then 2 (after recovery), each once");
        var history = await WithStoreAsync<IReadOnlyList<HistoryEntry>>(store => store.GetHistoryAsync(run.Id), []);
        Assert.True(history.Any(h => h.Reason.Contains("interrupted by the restart", StringComparison.Ordinal)), Describe(history));
    }

    private Process Start(string scenario)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "OpsFlow.TimerHost.dll");
        var info = new ProcessStartInfo("dotnet", [host, scenario, Database, Journal])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(info)!;
        var label = $"host {_hosts.Count + 1}";
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.WriteLine($"{label}: {e.Data}"); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.WriteLine($"{label} error: {e.Data}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _hosts.Add(process);
        return process;
    }

    private async Task KillAsync(Process host)
    {
        Assert.False(host.HasExited, $"the host exited by itself with code {(host.HasExited ? host.ExitCode : 0)} before the kill");
        host.Kill(entireProcessTree: true);
        await host.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System);
        output.WriteLine($"SIGKILL at {TimeProvider.System.GetUtcNow():HH:mm:ss.fff}");
    }

    private Task<RunRecord?> RunAsync() =>
        WithStoreAsync(async store => (await store.ListRunsAsync(new RunQuery { Take = 1 })).Runs is [var run, ..] ? run : null);

    private Task<StepRecord?> StepAsync(string step) => WithStoreAsync(async store =>
        (await store.ListRunsAsync(new RunQuery { Take = 1 })).Runs is [var run, ..]
            ? (await store.GetStepsAsync(run.Id)).FirstOrDefault(s => s.Name == step)
            : null);

    /// <summary>Every run a schedule started, with the fire time its request id names ("schedule/id/ticks").</summary>
    private Task<(RunRecord Run, DateTimeOffset Due)[]> ScheduledRunsAsync() => WithStoreAsync(async store =>
        (await store.ListRunsAsync(new RunQuery { Take = 500 })).Runs
            .Where(r => r.RequestId?.StartsWith("schedule/", StringComparison.Ordinal) == true)
            .Select(r => (r, new DateTimeOffset(long.Parse(r.RequestId!.Split('/')[2], CultureInfo.InvariantCulture), TimeSpan.Zero)))
            .OrderBy(r => r.Item2)
            .ToArray(), notYet: []);

    /// <summary>Reads the store; <paramref name="notYet"/> while the host has not created the database yet.</summary>
    private async Task<T> WithStoreAsync<T>(Func<IRunStore, Task<T>> read, T notYet = default!)
    {
        if (!File.Exists(Database))
        {
            return notYet;
        }

        await using var services = new ServiceCollection().AddOpsFlowSqlite($"Data Source={Database}").BuildServiceProvider();
        try
        {
            return await read(services.GetRequiredService<IRunStore>());
        }
        catch (SqliteException)
        {
            return notYet; // the host is still creating the schema
        }
    }

    /// <summary>
    /// Quartz deletes a fired one-shot trigger when the job returns, in its own transaction, which may land just
    /// after the run's last save: so the trigger gets a moment to go, but it must go.
    /// </summary>
    private async Task NoTimerTriggersLeftAsync(string runId) =>
        await WaitForAsync(async () => await PendingTimerTriggersAsync() == 0 ? "" : null, TimeSpan.FromSeconds(5), $"Quartz to drop the timer triggers of run {runId}, which ended");

    /// <summary>Engine timers Quartz still holds (retry delays, approval deadlines).</summary>
    private async Task<long> PendingTimerTriggersAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={Database}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM QRTZ_TRIGGERS WHERE TRIGGER_GROUP = 'opsflow-timers'";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The journal's "start" lines of <paramref name="step"/>: attempt and when it began.</summary>
    private (int Attempt, DateTimeOffset At)[] Starts(string step) =>
        (File.Exists(Journal) ? File.ReadAllLines(Journal) : [])
            .Select(l => l.Split(' '))
            .Where(p => p[0] == "start" && p[2] == step)
            .Select(p => (int.Parse(p[3], CultureInfo.InvariantCulture), new DateTimeOffset(long.Parse(p[4], CultureInfo.InvariantCulture), TimeSpan.Zero)))
            .ToArray();

    /// <summary>The journal's "start" lines of the schedule scenario's tick step: run and attempt.</summary>
    private (string RunId, int Attempt)[] TickStarts() =>
        File.ReadAllLines(Journal)
            .Select(l => l.Split(' '))
            .Where(p => p[0] == "start" && p[2] == "tick")
            .Select(p => (p[1], int.Parse(p[3], CultureInfo.InvariantCulture)))
            .ToArray();

    private static string Describe(IEnumerable<HistoryEntry> history) =>
        string.Join("\n", history.Select(h => $"  {h.At:HH:mm:ss.fff} {h.Kind} {h.Step} {h.From}→{h.To}: {h.Reason}"));

    /// <summary>Polls until <paramref name="probe"/> answers non-null, or fails naming what it waited for.</summary>
    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, TimeSpan within, string what)
        where T : class =>
        // The host is another process: its journal and database are read again every 100 ms.
        (await Wait.ForAsync(probe, value => value is not null, what, within: within, poll: TimeSpan.FromMilliseconds(100)))!;

    public void Dispose()
    {
        foreach (var host in _hosts.Where(h => !h.HasExited))
        {
            host.Kill(entireProcessTree: true);
            host.WaitForExit(TimeSpan.FromSeconds(10));
        }

        foreach (var host in _hosts)
        {
            host.Dispose();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
