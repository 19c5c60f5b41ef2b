using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Execution;

/// <summary>
/// The approval rules of docs/product.md §6 (docs/engine.md, "Approvals"), enforced on the coordinator's loop whatever the
/// client shows: decisions, extensions and timeouts of a run's approval steps. It keeps no state of its own: votes,
/// deadlines and escalations are in the step records of <see cref="RunChanges"/>.
/// </summary>
internal sealed class ApprovalDecisions(EngineServices services, WorkflowDefinition workflow, StepScheduler scheduler, RunChanges changes, RunEffects effects)
{
    private DateTimeOffset Now => services.Clock.GetUtcNow();

    private string RunId => changes.RunId;

    public CommandResult Decide(RunCommand.Decide command)
    {
        var actor = command.Actor;
        var verb = command.Action.ToString().ToLowerInvariant();
        var waiting = scheduler.WaitingApprovals(changes.Steps);
        var step = command.Step is null
            ? waiting.Count == 1 ? waiting[0] : null
            : waiting.FirstOrDefault(s => s.Name == command.Step);
        if (step is null)
        {
            var why = command.Step is not null && changes.Steps.TryGetValue(command.Step, out var named)
                ? $"approval '{named.Name}' is {named.Status}; it is no longer waiting for a decision"
                : waiting.Count > 1
                    ? $"run {RunId} waits for several approvals ({string.Join(", ", waiting.Select(s => s.Name))}); name one"
                    : $"run {RunId} is {changes.Run.Status} and waits for no approval";
            return Refuse(actor, verb, why);
        }

        var policy = scheduler.Definition(step.Name).Approval!;
        if (Eligibility(actor, step, policy, verb, deciding: command.Action != ApprovalAction.Extend) is { } refused)
        {
            return refused;
        }

        // The decision is bound to what it lets happen: a click on a card that showed another plan (the parameters or
        // the code changed since) decides nothing, and the person is shown the plan as it is now.
        var plan = ApprovalPlan.Of(workflow, changes.Run, step.Name);
        if (command.PlanHash is { } seen && command.Action != ApprovalAction.Extend && !string.Equals(seen, plan.Hash, StringComparison.OrdinalIgnoreCase))
        {
            return Refuse(actor, verb, $"the plan of '{step.Name}' changed since you saw it (you saw {seen[..Math.Min(12, seen.Length)]}, it is now {plan.ShortHash}); "
                + "look at the current plan and decide again");
        }

        return command.Action switch
        {
            ApprovalAction.Approve => Approve(step, policy, actor, command.Reason, plan),
            ApprovalAction.Reject => Reject(step, actor, command.Reason, plan),
            _ => Extend(step, policy, actor),
        };
    }

    public bool IsApproval(string step) => scheduler.Definition(step).Kind == StepKind.Approval;

    /// <summary>
    /// Whether <paramref name="command"/> may skip the approval step: only someone who could decide it (an approver in
    /// force, not the requester under any of their ids) may, so skipping is never a way round four-eyes.
    /// </summary>
    public CommandResult? MaySkip(RunCommand.Skip command, StepRecord step) =>
        Eligibility(command.Actor, step, scheduler.Definition(step.Name).Approval!, "skip", deciding: true);

    /// <summary>Records a skipped approval as the skipper's decision (a vote with the reason), then marks the step Skipped.</summary>
    public void Skipped(string step, Actor actor, string history, string? reason)
    {
        var vote = Vote(actor, approved: true, reason) with { Skipped = true, PlanHash = ApprovalPlan.Of(workflow, changes.Run, step).Hash };
        effects.CancelTimer(step, TimerKind.ApprovalTimeout);
        changes.MoveStep(step, StepStatus.Skipped, actor.Label, $"{history} (decided by {actor.Label} as an approver)", s => s with
        {
            Votes = [.. s.Votes, vote],
            DueAt = null,
        });
    }

    private CommandResult? Eligibility(Actor actor, StepRecord step, ApprovalPolicy policy, string verb, bool deciding)
    {
        if (deciding && ApprovalRules.IsSelfApproval(actor, changes.Run, workflow.AllowSelfApproval))
        {
            return Refuse(actor, verb, $"you started run {RunId}; someone else must decide '{step.Name}' (four-eyes rule)", forbidden: true);
        }

        var approvers = ApprovalRules.CurrentApprovers(policy, step.Escalated);
        if (!ApprovalRules.IsApprover(actor, approvers))
        {
            var who = approvers.Count == 0 ? "an operator" : string.Join(", ", approvers);
            return Refuse(actor, verb, $"only {who} may decide '{step.Name}'", forbidden: true);
        }

        return null;
    }

    private ApprovalVote Vote(Actor actor, bool approved, string? reason) =>
        new(actor.Id, actor.DisplayName, approved, reason, Now) { ActorIds = actor.Ids };

    private CommandResult Approve(StepRecord step, ApprovalPolicy policy, Actor actor, string? reason, ApprovalPlan plan)
    {
        // Once per person: the same approver voting from Teams and from the dashboard (two ids) counts once.
        if (step.Votes.Any(v => v.Approved && v.IsBy(actor)))
        {
            var so = step.Votes.Count(v => v.Approved);
            return Refuse(actor, "approve", $"you already approved '{step.Name}'; {so} of {policy.Required} approvals so far");
        }

        var vote = Vote(actor, approved: true, reason) with { PlanHash = plan.Hash };
        var votes = step.Votes.Append(vote).ToArray();
        var count = votes.Count(v => v.Approved);
        if (count < policy.Required)
        {
            changes.UpdateStep(step.Name, s => s with { Votes = votes });
            changes.Audit(step.Name, actor.Label, $"approved by {actor.Label} ({count} of {policy.Required}) on plan {plan.ShortHash}");
            return CommandAnswers.Done($"Approval recorded: {count} of {policy.Required} for '{step.Name}'.");
        }

        ResumeFromApproval(actor);
        effects.CancelTimer(step.Name, TimerKind.ApprovalTimeout);
        var names = string.Join(", ", votes.Where(v => v.Approved).Select(v => v.ActorName));
        changes.MoveStep(step.Name, StepStatus.Succeeded, actor.Label, $"approved by {names} on plan {plan.ShortHash}", s => s with
        {
            Votes = votes,
            DueAt = null,
            CompletedSeq = StepScheduler.NextCompletedSeq(changes.Steps),
        });
        return CommandAnswers.Done($"'{step.Name}' is approved; run {RunId} goes on.");
    }

    private CommandResult Reject(StepRecord step, Actor actor, string? reason, ApprovalPlan plan)
    {
        var why = string.IsNullOrWhiteSpace(reason) ? "no reason given" : reason;
        var vote = Vote(actor, approved: false, reason) with { PlanHash = plan.Hash };
        ResumeFromApproval(actor);
        effects.CancelTimer(step.Name, TimerKind.ApprovalTimeout);
        changes.MoveStep(step.Name, StepStatus.Failed, actor.Label, $"rejected by {actor.Label} on plan {plan.ShortHash}: {why}", s => s with
        {
            Votes = [.. s.Votes, vote],
            DueAt = null,
            Error = $"rejected by {actor.DisplayName}: {why}",
        });
        return CommandAnswers.Done($"'{step.Name}' is rejected; run {RunId} stops.");
    }

    private CommandResult Extend(StepRecord step, ApprovalPolicy policy, Actor actor)
    {
        if (step.Extensions >= policy.MaxExtensions)
        {
            return Refuse(actor, "extend", $"'{step.Name}' was already extended {step.Extensions} time(s), the most allowed");
        }

        var due = (step.DueAt ?? Now) + policy.ExtendBy;
        changes.UpdateStep(step.Name, s => s with { DueAt = due, Extensions = s.Extensions + 1 });
        changes.Audit(step.Name, actor.Label, $"extended by {actor.Label} by {policy.ExtendBy}; new deadline {due:u}");
        ArmTimer(step.Name, due);
        return CommandAnswers.Done($"'{step.Name}' now waits until {due:u}.");
    }

    /// <summary>The deadline passed: escalated once when the policy says so, otherwise the approval times out.</summary>
    public void TimedOut(StepRecord step)
    {
        var policy = scheduler.Definition(step.Name).Approval!;
        var late = step.DueAt is { } deadline ? StepScheduler.Lateness(deadline, Now) : string.Empty;
        if (policy.OnTimeout == ApprovalTimeoutAction.Escalate && !step.Escalated)
        {
            var due = Now + policy.Timeout;
            changes.UpdateStep(step.Name, s => s with { Escalated = true, DueAt = due });
            changes.Audit(step.Name, RunChanges.System, $"approval timed out{late}; escalated to {string.Join(", ", policy.EscalateTo)} until {due:u}");
            ArmTimer(step.Name, due);
            return;
        }

        ResumeFromApproval(null);
        changes.MoveStep(step.Name, StepStatus.TimedOut, RunChanges.System, $"approval timed out: nobody decided in time{late}", s => s with
        {
            DueAt = null,
            Error = "approval timed out",
        });
    }

    /// <summary>A decision ends the wait: the run is Running again (it may go straight on to Failed).</summary>
    private void ResumeFromApproval(Actor? actor)
    {
        if (changes.Run.Status == RunStatus.WaitingForApproval)
        {
            changes.MoveRun(RunStatus.Running, actor?.Label ?? RunChanges.System, "an approval was decided");
        }
    }

    private void ArmTimer(string step, DateTimeOffset due) =>
        effects.ArmTimer(changes.Steps[step], scheduler.Definition(step), TimerKind.ApprovalTimeout, due);

    private CommandResult Refuse(Actor actor, string action, string why, bool forbidden = false) =>
        CommandAnswers.Refuse(changes, services.Logger, actor, action, why, forbidden);
}
