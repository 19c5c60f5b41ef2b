using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Execution;

/// <summary>
/// "Run again" (the run card's button, <c>POST /api/runs/{id}/again</c>, the dashboard): a new run of the same workflow
/// with the same parameters, asked for by whoever presses it. It is an ordinary start: start rights, parameter checks
/// against the workflow as it is now, locks and approvals all apply again, and the audit log records it; the trigger
/// names the run it repeats.
/// </summary>
public static class RunAgain
{
    public static StartRunRequest Request(RunRecord run, Actor actor, string via, string? requestId = null, string? replyTo = null) =>
        new(
            run.Workflow,
            run.Parameters.ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.Ordinal),
            actor,
            $"{via} (again of {run.Id})",
            requestId,
            replyTo);
}
