using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Testing;

/// <summary>Finished runs written straight into a store, for the tests of what reads history (reports, archive, pages).</summary>
public static class SeededRuns
{
    /// <summary>
    /// A finished run with one step that took the whole run, in two attempts when it failed, and one line of log.
    /// </summary>
    public static async Task FinishedAsync(
        IRunStore store, string id, string workflow, DateTimeOffset at, RunStatus status, int seconds, StepStatus stepStatus, string? error,
        string step = "work", string log = "working")
    {
        var run = new RunRecord
        {
            Id = id, Workflow = workflow, Status = RunStatus.Pending, Parameters = new Dictionary<string, string>(),
            RequestedById = "olivia", RequestedByName = "Olivia", Trigger = "test", CreatedAt = at, HistorySeq = 1, Version = 1,
        };
        var pending = new StepRecord { RunId = id, Name = step, Status = StepStatus.Pending };
        await store.CreateRunAsync(new NewRun(run, [pending], new HistoryEntry(id, 1, at, HistoryKind.Run, "olivia", null, null, "Pending", "requested")));
        var ended = at.AddSeconds(seconds);
        await store.SaveAsync(new RunChange(run with { Status = status, StartedAt = at, EndedAt = ended, Version = 2 }, 1)
        {
            Steps = [pending with { Status = stepStatus, Attempt = error is null ? 1 : 2, StartedAt = at, EndedAt = ended, Error = error }],
            Logs = [new StepLogLine(id, step, 1, at, "info", log)],
        });
    }
}
