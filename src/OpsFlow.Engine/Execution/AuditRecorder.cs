using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Execution;

/// <summary>
/// Writes what people asked of the engine into the audit log, at the engine's front door so every entry point (chat,
/// API, dashboard, CLI, schedule) is recorded the same way. A failed append is logged, never thrown: the action
/// already happened and its answer must reach the person.
/// </summary>
internal sealed class AuditRecorder(IAuditLog log, TimeProvider clock, ILogger logger)
{
    public Task StartedAsync(StartRunRequest request, StartRunResult result, CancellationToken cancellationToken)
    {
        var (outcome, target, detail) = result switch
        {
            StartRunResult.Started started => (AuditOutcome.Done, started.Run.Id, $"started {request.Workflow} ({request.Trigger}){Parameters(started.Run.Parameters)}"),
            StartRunResult.Queued queued => (AuditOutcome.Done, queued.Run.Id, $"queued {request.Workflow} behind {queued.HolderRunId} ({request.Trigger}){Parameters(queued.Run.Parameters)}"),
            StartRunResult.Forbidden { ByEmergencyStop: true } stopped => (AuditOutcome.Refused, request.Workflow, stopped.Reason),
            StartRunResult.Forbidden forbidden => (AuditOutcome.Forbidden, request.Workflow, forbidden.Reason),
            StartRunResult.LockHeld held => (AuditOutcome.Refused, request.Workflow, $"lock {held.LockKey} is held by run {held.Holder.Id}"),
            StartRunResult.UnknownWorkflow => (AuditOutcome.Refused, request.Workflow, "no such workflow"),
            StartRunResult.InvalidParameters invalid => (AuditOutcome.Refused, request.Workflow, string.Join("; ", invalid.Errors)),
            StartRunResult.InvalidDefinition invalid => (AuditOutcome.Refused, request.Workflow, string.Join("; ", invalid.Problems)),
            _ => ((AuditOutcome?)null, "", ""),
        };

        // A repeated request (the same chat activity delivered twice) started nothing and is not a new action.
        return outcome is { } done ? AppendAsync("start", done, request.RequestedBy, target, detail, cancellationToken) : Task.CompletedTask;
    }

    public Task CommandedAsync(string runId, RunCommand command, CommandResult result, CancellationToken cancellationToken)
    {
        var outcome = result.Outcome switch
        {
            CommandOutcome.Done => AuditOutcome.Done,
            CommandOutcome.Forbidden => AuditOutcome.Forbidden,
            _ => AuditOutcome.Refused,
        };
        var step = command switch
        {
            RunCommand.Skip skip => skip.Step,
            RunCommand.Decide decide => decide.Step,
            _ => null,
        };
        var detail = step is null ? result.Message : $"step {step}: {result.Message}";
        if (command is RunCommand.ChangeParameters change && result.Outcome != CommandOutcome.Done)
        {
            // A refused change names what was asked; a done one's message already says old and new values.
            detail = $"asked {Parameters(change.Values.ToDictionary(p => p.Key, p => p.Value ?? "(default)", StringComparer.Ordinal))[6..]}: {detail}";
        }

        return AppendAsync(RolePolicy.Verb(command), outcome, command.Actor, runId, detail, cancellationToken);
    }

    public async Task AppendAsync(string action, AuditOutcome outcome, Actor actor, string target, string detail, CancellationToken cancellationToken)
    {
        try
        {
            await log.AppendAsync(new AuditEvent(clock.GetUtcNow(), action, outcome, actor.DisplayName, actor.Ids, actor.Via, target, detail), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.AuditFailed(logger, ex, action, target);
        }
    }

    private static string Parameters(IReadOnlyDictionary<string, string> parameters) =>
        parameters.Count == 0 ? string.Empty : " with " + string.Join(" ", parameters.Select(p => $"{p.Key}={p.Value}"));
}
