using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Execution;

/// <summary>The approval rules of PRODUCT §6, enforced here whatever the client shows.</summary>
internal sealed partial class RunCoordinator
{
    private CommandResult Decide(RunCommand.Decide command)
    {
        var actor = command.Actor;
        var verb = command.Action.ToString().ToLowerInvariant();
        var waiting = _steps.Values
            .Where(s => s.Status == StepStatus.Waiting && Definition(s.Name).Kind == StepKind.Approval)
            .ToArray();
        var step = command.Step is null
            ? waiting.Length == 1 ? waiting[0] : null
            : waiting.FirstOrDefault(s => s.Name == command.Step);
        if (step is null)
        {
            var why = command.Step is not null && _steps.TryGetValue(command.Step, out var named)
                ? $"approval '{named.Name}' is {named.Status}; it is no longer waiting for a decision"
                : waiting.Length > 1
                    ? $"run {RunId} waits for several approvals ({string.Join(", ", waiting.Select(s => s.Name))}); name one"
                    : $"run {RunId} is {_run.Status} and waits for no approval";
            return Refuse(actor, verb, why);
        }

        var policy = Definition(step.Name).Approval!;
        var approvers = ApprovalRules.CurrentApprovers(policy, step.Escalated);
        if (ApprovalRules.IsSelfApproval(actor, _run, _definition.AllowSelfApproval) && command.Action != ApprovalAction.Extend)
        {
            return Refuse(actor, verb, $"you started run {RunId}; someone else must decide '{step.Name}' (four-eyes rule)", forbidden: true);
        }

        if (!ApprovalRules.IsApprover(actor, approvers))
        {
            var who = approvers.Count == 0 ? "an operator" : string.Join(", ", approvers);
            return Refuse(actor, verb, $"only {who} may decide '{step.Name}'", forbidden: true);
        }

        return command.Action switch
        {
            ApprovalAction.Approve => Approve(step, policy, actor, command.Reason),
            ApprovalAction.Reject => Reject(step, actor, command.Reason),
            _ => Extend(step, policy, actor),
        };
    }

    private CommandResult Approve(StepRecord step, ApprovalPolicy policy, Actor actor, string? reason)
    {
        if (step.Votes.Any(v => v.Approved && string.Equals(v.ActorId, actor.Id, StringComparison.OrdinalIgnoreCase)))
        {
            var so = step.Votes.Count(v => v.Approved);
            return Refuse(actor, "approve", $"you already approved '{step.Name}'; {so} of {policy.Required} approvals so far");
        }

        var vote = new ApprovalVote(actor.Id, actor.DisplayName, Approved: true, reason, Now);
        var votes = step.Votes.Append(vote).ToArray();
        var count = votes.Count(v => v.Approved);
        if (count < policy.Required)
        {
            UpdateStep(step.Name, s => s with { Votes = votes });
            Audit(step.Name, actor.Label, $"approved by {actor.Label} ({count} of {policy.Required})");
            return Ok($"Approval recorded: {count} of {policy.Required} for '{step.Name}'.");
        }

        ResumeFromApproval(actor);
        _afterCommit.Add(() => _services.CancelTimer(RunId, step.Name, TimerKind.ApprovalTimeout));
        var names = string.Join(", ", votes.Where(v => v.Approved).Select(v => v.ActorName));
        MoveStep(step.Name, StepStatus.Succeeded, actor.Label, $"approved by {names}", s => s with
        {
            Votes = votes,
            DueAt = null,
            CompletedSeq = NextCompletedSeq(),
        });
        return Ok($"'{step.Name}' is approved; run {RunId} goes on.");
    }

    private CommandResult Reject(StepRecord step, Actor actor, string? reason)
    {
        var why = string.IsNullOrWhiteSpace(reason) ? "no reason given" : reason;
        var vote = new ApprovalVote(actor.Id, actor.DisplayName, Approved: false, reason, Now);
        ResumeFromApproval(actor);
        _afterCommit.Add(() => _services.CancelTimer(RunId, step.Name, TimerKind.ApprovalTimeout));
        MoveStep(step.Name, StepStatus.Failed, actor.Label, $"rejected by {actor.Label}: {why}", s => s with
        {
            Votes = [.. s.Votes, vote],
            DueAt = null,
            Error = $"rejected by {actor.DisplayName}: {why}",
        });
        return Ok($"'{step.Name}' is rejected; run {RunId} stops.");
    }

    private CommandResult Extend(StepRecord step, ApprovalPolicy policy, Actor actor)
    {
        if (step.Extensions >= policy.MaxExtensions)
        {
            return Refuse(actor, "extend", $"'{step.Name}' was already extended {step.Extensions} time(s), the most allowed");
        }

        var due = (step.DueAt ?? Now) + policy.ExtendBy;
        UpdateStep(step.Name, s => s with { DueAt = due, Extensions = s.Extensions + 1 });
        Audit(step.Name, actor.Label, $"extended by {actor.Label} by {policy.ExtendBy}; new deadline {due:u}");
        ArmTimer(step.Name, TimerKind.ApprovalTimeout, due);
        return Ok($"'{step.Name}' now waits until {due:u}.");
    }

    private void ApprovalTimedOut(StepRecord step)
    {
        var policy = Definition(step.Name).Approval!;
        var late = step.DueAt is { } deadline ? Lateness(deadline) : string.Empty;
        if (policy.OnTimeout == ApprovalTimeoutAction.Escalate && !step.Escalated)
        {
            var due = Now + policy.Timeout;
            UpdateStep(step.Name, s => s with { Escalated = true, DueAt = due });
            Audit(step.Name, System, $"approval timed out{late}; escalated to {string.Join(", ", policy.EscalateTo)} until {due:u}");
            ArmTimer(step.Name, TimerKind.ApprovalTimeout, due);
            return;
        }

        ResumeFromApproval(null);
        MoveStep(step.Name, StepStatus.TimedOut, System, $"approval timed out: nobody decided in time{late}", s => s with
        {
            DueAt = null,
            Error = "approval timed out",
        });
    }

    /// <summary>A decision ends the wait: the run is Running again (it may go straight on to Failed).</summary>
    private void ResumeFromApproval(Actor? actor)
    {
        if (_run.Status == RunStatus.WaitingForApproval)
        {
            MoveRun(RunStatus.Running, actor?.Label ?? System, "an approval was decided");
        }
    }
}
