using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Execution;

/// <summary>What /stop-all or /resume-all did, in words for the person who asked, and the runs it paused or resumed.</summary>
public sealed record EmergencyStopResult(CommandOutcome Outcome, string Message, IReadOnlyList<string> Runs);

/// <summary>
/// The emergency stop (issue 21, item 2), the same from chat, the API and the dashboard: an admin stops everything
/// with a reason (running runs are paused at once, the others start no new step, new runs are refused) and lifts it
/// (the runs paused while it was in force are resumed). Both are recorded in the audit log, refusals too.
/// </summary>
public sealed class EmergencyStopCommands(WorkflowEngine engine, EmergencyStop stop, IRunStore store, IAuditLog audit, TimeProvider clock)
{
    public async Task<EmergencyStopResult> StopAllAsync(Actor actor, string? reason, CancellationToken cancellationToken = default)
    {
        if (await RefusalAsync(actor, "stop-all", cancellationToken) is { } refused)
        {
            return refused;
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            return await RefuseAsync(actor, "stop-all", CommandOutcome.Refused, "Say why: stop-all needs a reason, which everyone whose runs stop is shown.", cancellationToken);
        }

        var state = new EmergencyStopState(actor.Id, actor.DisplayName, reason.Trim(), clock.GetUtcNow());
        await stop.SetAsync(state, cancellationToken);
        var paused = new List<string>();
        var others = 0;
        foreach (var active in await store.GetActiveRunsAsync(cancellationToken))
        {
            if (active.Run.Status == RunStatus.Running
                && (await engine.SendAsync(active.Run.Id, new RunCommand.Pause(actor), cancellationToken)).Outcome == CommandOutcome.Done)
            {
                paused.Add(active.Run.Id);
            }
            else if (active.Run.Status != RunStatus.Paused)
            {
                others++;
            }
        }

        var message = $"⛔ Emergency stop by {actor.DisplayName}: {state.Reason}. Paused {paused.Count} running run(s){List(paused)}; "
            + $"{others} other active run(s) start no new step (a run waiting for approval pauses when it is approved; a rollback in progress finishes). "
            + "New runs are refused, from chat, the API, the dashboard and schedules, until an admin lifts the stop (/resume-all).";
        await RecordAsync(actor, "stop-all", AuditOutcome.Done, $"{state.Reason}; paused {paused.Count} run(s){List(paused)}", cancellationToken);
        return new EmergencyStopResult(CommandOutcome.Done, message, paused);
    }

    public async Task<EmergencyStopResult> ResumeAllAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        if (await RefusalAsync(actor, "resume-all", cancellationToken) is { } refused)
        {
            return refused;
        }

        if (await stop.RefreshAsync(cancellationToken) is not { } state)
        {
            return await RefuseAsync(actor, "resume-all", CommandOutcome.Refused, "There is no emergency stop in force; nothing was done.", cancellationToken);
        }

        await stop.SetAsync(null, cancellationToken);
        var resumed = new List<string>();
        foreach (var active in await store.GetActiveRunsAsync(cancellationToken))
        {
            if (active.Run.Status == RunStatus.Paused && await PausedSinceAsync(active.Run.Id, state.At, cancellationToken)
                && (await engine.SendAsync(active.Run.Id, new RunCommand.Resume(actor), cancellationToken)).Outcome == CommandOutcome.Done)
            {
                resumed.Add(active.Run.Id);
            }
        }

        var message = $"▶ Emergency stop lifted by {actor.DisplayName} (in force since {state.At:yyyy-MM-dd HH:mm} UTC, by {state.ByName}: {state.Reason}). "
            + $"Resumed {resumed.Count} run(s) paused while it was{List(resumed)}; runs paused before it stay paused. New runs may start again.";
        await RecordAsync(actor, "resume-all", AuditOutcome.Done, $"lifted the stop of {state.ByName} ({state.Reason}); resumed {resumed.Count} run(s){List(resumed)}", cancellationToken);
        return new EmergencyStopResult(CommandOutcome.Done, message, resumed);
    }

    /// <summary>Whether the run's latest pause happened while the stop was in force: only those are resumed.</summary>
    private async Task<bool> PausedSinceAsync(string runId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var history = await store.GetHistoryAsync(runId, cancellationToken);
        return history.LastOrDefault(h => h.Kind == HistoryKind.Run && h.To == nameof(RunStatus.Paused)) is { } paused && paused.At >= since;
    }

    private async Task<EmergencyStopResult?> RefusalAsync(Actor actor, string action, CancellationToken cancellationToken) =>
        actor.HasRole(Roles.Admin)
            ? null
            : await RefuseAsync(actor, action, CommandOutcome.Forbidden, $"{action} needs the admin role, which {actor.DisplayName} does not have.", cancellationToken);

    private async Task<EmergencyStopResult> RefuseAsync(Actor actor, string action, CommandOutcome outcome, string message, CancellationToken cancellationToken)
    {
        await RecordAsync(actor, action, outcome == CommandOutcome.Forbidden ? AuditOutcome.Forbidden : AuditOutcome.Refused, message, cancellationToken);
        return new EmergencyStopResult(outcome, message, []);
    }

    private Task RecordAsync(Actor actor, string action, AuditOutcome outcome, string detail, CancellationToken cancellationToken) =>
        audit.AppendAsync(new AuditEvent(clock.GetUtcNow(), action, outcome, actor.DisplayName, actor.Ids, actor.Via, "all runs", detail), cancellationToken);

    private static string List(List<string> runs) => runs.Count == 0 ? string.Empty : $" ({string.Join(", ", runs.Take(20))}{(runs.Count > 20 ? ", …" : string.Empty)})";
}
