using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Execution;

/// <summary>
/// Changing a paused run's parameters (issue 21, item 3; docs/engine.md, "Changing a paused run's parameters"). The
/// values are bound like a start's; a value may change only when no step that has run read it (the catalog tells
/// which parameters each step reads); the new values must give the same steps and the same lock. The change is
/// recorded with who, the old and the new values, and every approval decided or waiting on the old plan asks again.
/// The coordinator then reloads the run, since step bodies hold the values they were declared with. No state here.
/// </summary>
internal sealed class ParameterChange(
    EngineServices services,
    WorkflowDefinition workflow,
    RunChanges changes,
    RunEffects effects,
    CancellationToken stopping)
{
    private const string Verb = "change-parameters";

    private string RunId => changes.RunId;

    public async Task<CommandResult> ApplyAsync(RunCommand.ChangeParameters command)
    {
        var actor = command.Actor;
        var run = changes.Run;
        if (run.Status != RunStatus.Paused)
        {
            return Refuse(actor, $"run {RunId} is {run.Status}; pause it first (/pause {RunId}), then change its parameters: they change only while no new step starts");
        }

        if (changes.Steps.Values.FirstOrDefault(s => s.Status is StepStatus.Running or StepStatus.Compensating) is { } busy)
        {
            return Refuse(actor, $"step '{busy.Name}' is still running; wait until it ends (the run is paused, so nothing new starts), then change the parameters");
        }

        if (command.Values.Count == 0)
        {
            return Refuse(actor, $"name the parameters to change as name=value; {RunId} has {Listed(run.Parameters)}");
        }

        var given = run.Parameters.ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.Ordinal);
        foreach (var (name, value) in command.Values)
        {
            given[name] = value;
        }

        var errors = ParameterBinder.Bind(workflow.Descriptor.Parameters, given, out var bound);
        if (errors.Count > 0)
        {
            return Refuse(actor, $"nothing changed: {string.Join("; ", errors)}");
        }

        var changed = bound.Values.Keys
            .Where(name => !run.Parameters.TryGetValue(name, out var old) || !string.Equals(old, bound.Values[name], StringComparison.Ordinal))
            .ToArray();
        if (changed.Length == 0)
        {
            return Refuse(actor, $"nothing changes: the run has {Listed(run.Parameters, command.Values.Keys)} already");
        }

        var askAgain = ApprovalsToAskAgain();
        var use = await services.Catalog.ParameterUseAsync(run.Workflow, run.WorkflowVersion, stopping);
        if (ReadAlready(use, changed, askAgain) is { } why)
        {
            return Refuse(actor, why);
        }

        if (await DifferentGraphAsync(run, bound, changed) is { } different)
        {
            return Refuse(actor, different);
        }

        var description = string.Join(", ", changed.Select(name => $"{name} {run.Parameters.GetValueOrDefault(name) ?? "(unset)"} → {bound.Values[name]}"));
        var reason = string.IsNullOrWhiteSpace(command.Reason) ? string.Empty : $" ({command.Reason.Trim()})";
        changes.SetParameters(bound.Values);
        changes.Audit(null, actor.Label, $"parameters changed by {actor.Label}: {description}{reason}");
        foreach (var approval in askAgain)
        {
            if (changes.Steps[approval].Status == StepStatus.Waiting)
            {
                effects.CancelTimer(approval, TimerKind.ApprovalTimeout);
            }

            changes.AskAgain(approval, actor.Label, $"asks again: the plan changed with the parameters ({description}); a decision on the old plan does not count");
        }

        // Step bodies and conditions were declared with the old values: the run is loaded again with the new ones.
        effects.Reload();
        var again = askAgain.Length == 0 ? string.Empty : $" {Names("Approval", askAgain)} will ask again when the run is resumed.";
        return CommandAnswers.Done($"Run {RunId}'s parameters changed: {description}.{again} Resume it to go on.");
    }

    /// <summary>Approvals decided (or waiting) on the old plan that still gate a step to come: those ask again.</summary>
    private string[] ApprovalsToAskAgain() =>
        workflow.Steps
            .Where(s => s.Kind == StepKind.Approval && StateMachine.CanAskAgain(changes.Steps[s.Name].Status))
            .Where(s => ApprovalPlan.Gated(workflow, s.Name).Any(g => changes.Steps[g].Status == StepStatus.Pending))
            .Select(s => s.Name)
            .ToArray();

    /// <summary>Why the change would alter what a step that has run already read, or null.</summary>
    private string? ReadAlready(ParameterUse use, string[] changed, string[] askAgain)
    {
        var conflicts = changes.Steps.Values
            .Where(s => s.Status != StepStatus.Pending && !askAgain.Contains(s.Name))
            .SelectMany(s => changed.Where(p => use.Reads(s.Name, p)).Select(p => (Step: s, Parameter: p)))
            .ToArray();
        if (conflicts.Length == 0)
        {
            return null;
        }

        var first = conflicts[0];
        var unknown = use.IsKnown(first.Step.Name) ? string.Empty : " (OpsFlow cannot tell which parameters it reads, so it counts all of them)";
        var free = workflow.Descriptor.Parameters.Select(p => p.Name)
            .Where(p => !changes.Steps.Values.Any(s => s.Status != StepStatus.Pending && !askAgain.Contains(s.Name) && use.Reads(s.Name, p)))
            .ToArray();
        var others = conflicts.Length == 1 ? string.Empty : $" ({conflicts.Length - 1} more: {string.Join(", ", conflicts.Skip(1).Take(5).Select(c => $"'{c.Parameter}' by '{c.Step.Name}'"))})";
        return $"parameter '{first.Parameter}' was read by step '{first.Step.Name}' ({first.Step.Status}){unknown}, which has run with the old value{others}; "
            + (free.Length == 0 ? "no parameter of this run may change now. " : $"only {string.Join(", ", free)} may change now. ")
            + "Start a new run to use other values";
    }

    /// <summary>The step graph may depend on parameters: the new values must give the same steps and the same lock.</summary>
    private async Task<string?> DifferentGraphAsync(RunRecord run, ParameterValues bound, string[] changed)
    {
        WorkflowDefinition next;
        try
        {
            next = await services.Catalog.MaterializeAsync(run.Workflow, run.WorkflowVersion, bound, stopping);
        }
        catch (WorkflowDefinitionException ex)
        {
            return $"with {string.Join(", ", changed)} changed the workflow does not load: {string.Join("; ", ex.Problems)}";
        }

        var added = next.Steps.Select(s => s.Name).Where(n => !changes.Steps.ContainsKey(n)).ToArray();
        var removed = changes.Steps.Keys.Where(n => next.Find(n) is null).ToArray();
        if (added.Length > 0 || removed.Length > 0)
        {
            var what = string.Join("; ", new[] { added.Length > 0 ? $"adds {string.Join(", ", added)}" : null, removed.Length > 0 ? $"removes {string.Join(", ", removed)}" : null }.OfType<string>());
            return $"with {string.Join(", ", changed)} changed the workflow has other steps ({what}); start a new run with those values";
        }

        if (!string.Equals(next.LockKey, run.LockKey, StringComparison.Ordinal))
        {
            return $"with {string.Join(", ", changed)} changed the run would need another lock ({run.LockKey ?? "none"} → {next.LockKey ?? "none"}); start a new run with those values";
        }

        return null;
    }

    private static string Listed(IReadOnlyDictionary<string, string> values, IEnumerable<string>? only = null) =>
        values.Count == 0
            ? "no parameters"
            : string.Join(", ", values.Where(p => only is null || only.Contains(p.Key)).Select(p => $"{p.Key}={p.Value}"));

    private static string Names(string kind, string[] names) =>
        names.Length == 1 ? $"{kind} '{names[0]}'" : $"{kind}s {string.Join(", ", names.Select(n => $"'{n}'"))}";

    private CommandResult Refuse(Actor actor, string why) => CommandAnswers.Refuse(changes, services.Logger, actor, Verb, why);
}
