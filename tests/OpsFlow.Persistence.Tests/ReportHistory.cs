using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence.Tests;

/// <summary>
/// A small known history for the report contract: nine runs around the week of Monday 2026-11-02, each step
/// running right after the previous one. The expected figures in <see cref="RunReportsContract"/> are worked out
/// by hand from this table.
/// </summary>
public static class ReportHistory
{
    public static readonly DateTimeOffset Monday = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);

    public static ReportRange Week => new(Monday, Monday.AddDays(7));

    public static async Task SeedAsync(IRunStore store)
    {
        await RunAsync(store, "r1", "deploy", Monday.AddHours(10), RunStatus.Succeeded, [("build", StepStatus.Succeeded, 1, 20, null), ("deploy", StepStatus.Succeeded, 1, 40, null)], cpu: new() { ["build"] = 8_000 });
        await RunAsync(store, "r2", "deploy", Monday.AddHours(12), RunStatus.Failed, [("build", StepStatus.Succeeded, 1, 10, null), ("deploy", StepStatus.Failed, 3, 20, "HTTP 503")], cpu: new() { ["build"] = 4_000 });
        await RunAsync(store, "r3", "deploy", Monday.AddDays(1).AddHours(9), RunStatus.RolledBack, [("build", StepStatus.Succeeded, 1, 30, null), ("deploy", StepStatus.Failed, 1, 50, "HTTP 503"), ("swap", StepStatus.Compensated, 1, 10, null)]);
        await RunAsync(store, "r4", "backup", Monday.AddDays(1).AddHours(10), RunStatus.Succeeded, [("copy", StepStatus.Succeeded, 1, 100, null), ("verify", StepStatus.Succeeded, 1, 20, null)]);
        await RunAsync(store, "r5", "backup", Monday.AddDays(3).AddHours(8), RunStatus.Cancelled, [("copy", StepStatus.Cancelled, 1, 10, null), ("verify", StepStatus.Pending, 0, null, null)]);
        await RunAsync(store, "r6", "inspect", Monday.AddDays(3).AddHours(9), RunStatus.Running, [("disk", StepStatus.Running, 1, null, null)]);
        await RunAsync(store, "r7", "deploy", Monday.AddMinutes(-1), RunStatus.Succeeded, [("build", StepStatus.Succeeded, 1, 5, null)], cpu: new() { ["build"] = 1_000 });
        await RunAsync(store, "r8", "deploy", Monday.AddDays(7), RunStatus.Failed, [("deploy", StepStatus.Failed, 1, 5, "HTTP 503")]);
        await RunAsync(store, "r9", "backup", Monday.AddDays(4), RunStatus.Failed, [("copy", StepStatus.TimedOut, 2, 40, "timed out after 30s"), ("verify", StepStatus.Pending, 0, null, null)]);
    }

    /// <summary>A new Pending run created at <paramref name="at"/>.</summary>
    public static RunRecord Run(string id, string workflow, DateTimeOffset at) => new()
    {
        Id = id,
        Workflow = workflow,
        Status = RunStatus.Pending,
        Parameters = new Dictionary<string, string>(),
        RequestedById = "alice",
        RequestedByName = "Alice",
        Trigger = "test",
        CreatedAt = at,
        HistorySeq = 1,
        Version = 1,
    };

    /// <summary>
    /// A run whose steps ran one after another for the given seconds (null: never ended); the run lasts as long
    /// as its steps when it is finished.
    /// </summary>
    private static async Task RunAsync(
        IRunStore store, string id, string workflow, DateTimeOffset at, RunStatus status,
        (string Name, StepStatus Status, int Attempt, int? Seconds, string? Error)[] steps,
        Dictionary<string, long>? cpu = null)
    {
        var pending = steps.Select((s, i) => new StepRecord { RunId = id, Name = s.Name, Position = i, Status = StepStatus.Pending }).ToArray();
        var run = Run(id, workflow, at);
        await store.CreateRunAsync(new NewRun(run, pending, new HistoryEntry(id, 1, at, HistoryKind.Run, "alice", null, null, "Pending", "requested")));

        var clock = at;
        var done = new List<StepRecord>();
        foreach (var (step, (name, stepStatus, attempt, seconds, error)) in pending.Zip(steps))
        {
            var started = attempt == 0 ? (DateTimeOffset?)null : clock;
            var ended = seconds is { } s ? clock.AddSeconds(s) : (DateTimeOffset?)null;
            clock = ended ?? clock;
            // CPU of the step's processes, and a peak memory to go with it, for the steps that ran processes.
            var used = cpu is not null && cpu.TryGetValue(name, out var ms) ? ms : (long?)null;
            done.Add(step with { Status = stepStatus, Attempt = attempt, StartedAt = started, EndedAt = ended, Error = error, CpuMilliseconds = used, PeakMemoryBytes = used * 10_000 });
        }

        // Each failure is in the history too, worded as the engine words it (failure fingerprints read it there).
        HistoryEntry[] failures = [.. done
            .Where(st => st.Status is StepStatus.Failed or StepStatus.TimedOut)
            .Select((st, i) => new HistoryEntry(id, 2 + i, st.EndedAt ?? clock, HistoryKind.Step, "system", st.Name, "Running", st.Status.ToString(), $"attempt {st.Attempt} of {st.Attempt} failed: {st.Error}"))];
        var final = run with
        {
            Status = status,
            StartedAt = at,
            EndedAt = StateMachine.IsActive(status) && status != RunStatus.Failed ? null : clock,
            HistorySeq = 1 + failures.Length,
            Version = 2,
        };
        await store.SaveAsync(new RunChange(final, 1) { Steps = done, History = failures });
    }
}
