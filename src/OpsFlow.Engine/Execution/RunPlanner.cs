using OpsFlow.Engine.Definitions;

namespace OpsFlow.Engine.Execution;

public enum PlanDecision
{
    Runs,
    Skipped,
    /// <summary>The step's condition reads outputs of earlier steps, so only the run can decide it.</summary>
    DecidedAtRunTime,
}

/// <summary>One step of a dry run. Steps with the same <see cref="Wave"/> may run at the same time.</summary>
public sealed record PlannedStep(int Order, int Wave, StepDefinition Step, PlanDecision Decision, string Note);

/// <summary>
/// A dry run (/plan, opsflow plan): the steps in the order they would start, conditions and branches resolved
/// from the parameters, nothing executed. Conditions that depend on outputs of earlier steps are reported as
/// decided at run time rather than guessed.
/// </summary>
public static class RunPlanner
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> NoOutputs =
        new Dictionary<string, IReadOnlyDictionary<string, string>>();

    public static IReadOnlyList<PlannedStep> Plan(WorkflowDefinition definition, ParameterValues parameters)
    {
        var decided = new Dictionary<string, (PlanDecision Decision, int Wave)>(StringComparer.Ordinal);
        var plan = new List<PlannedStep>();
        var remaining = definition.Steps.ToList();
        while (remaining.Count > 0)
        {
            // Declaration order among the ready steps: the order the engine starts them in.
            var ready = remaining.FirstOrDefault(s => s.DependsOn.All(decided.ContainsKey))
                ?? throw new WorkflowDefinitionException(definition.Name, ["the steps form a cycle"]);
            remaining.Remove(ready);
            var dependencies = ready.DependsOn.Select(d => decided[d]).ToArray();
            var wave = dependencies.Length == 0 ? 1 : dependencies.Max(d => d.Wave) + 1;
            var (decision, note) = Decide(ready, dependencies.Select(d => d.Decision).ToArray(), parameters);
            decided[ready.Name] = (decision, wave);
            plan.Add(new PlannedStep(plan.Count + 1, wave, ready, decision, note));
        }

        // By wave, then declaration order: the order in which the steps become ready.
        var index = definition.Steps.Select((s, i) => (s.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        return plan
            .OrderBy(p => p.Wave).ThenBy(p => index[p.Step.Name])
            .Select((p, i) => p with { Order = i + 1 })
            .ToArray();
    }

    private static (PlanDecision, string) Decide(StepDefinition step, PlanDecision[] dependencies, ParameterValues parameters)
    {
        if (step.SkipWhenDependencySkipped && dependencies.Contains(PlanDecision.Skipped))
        {
            return (PlanDecision.Skipped, "a step it depends on is skipped");
        }

        if (step.Condition is { } condition)
        {
            var context = new ConditionContext(parameters, NoOutputs);
            bool holds;
            try
            {
                holds = condition(context);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                return (PlanDecision.DecidedAtRunTime, $"its condition cannot be decided in advance ({ex.Message})");
            }

            if (context.ReadsOutputs)
            {
                return (PlanDecision.DecidedAtRunTime, "its condition reads outputs of earlier steps");
            }

            if (!holds)
            {
                return (PlanDecision.Skipped, "its condition is false for these parameters");
            }
        }

        var note = step.Kind switch
        {
            StepKind.Approval when step.Approval is { } approval =>
                $"waits for {approval.Required} approval(s) from {(approval.Approvers.Count == 0 ? "any operator" : string.Join(", ", approval.Approvers))}, timeout {approval.Timeout}",
            StepKind.Checkpoint => "checkpoint: rollback stops here",
            _ => string.Join("; ", new[]
            {
                step.Retry is { } retry ? $"retried up to {retry.MaxAttempts} times" : null,
                step.Timeout is { } timeout ? $"timeout {timeout}" : null,
                step.ContinueOnError ? "failure is ignored" : null,
                step.Compensation is not null ? "has a rollback action" : null,
            }.Where(n => n is not null)),
        };
        return (PlanDecision.Runs, note);
    }
}
