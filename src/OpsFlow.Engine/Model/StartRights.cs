using OpsFlow.Engine.Definitions;

namespace OpsFlow.Engine.Model;

/// <summary>
/// Who may start a workflow with which parameters (docs/product.md §10, issue 19): the operator role, then every
/// <see cref="StartRule"/> of the workflow that applies to the parameters. The engine checks it on every start, so
/// chat, the API, the dashboard, the command line and schedules get the same answer; schedules are checked again
/// when they are added.
/// </summary>
public static class StartRights
{
    /// <summary>Null when <paramref name="actor"/> may start the workflow with <paramref name="values"/>; otherwise why not, in words.</summary>
    public static string? Refusal(WorkflowDescriptor workflow, Actor actor, IReadOnlyDictionary<string, string> values)
    {
        if (!actor.HasRole(RolePolicy.StartRole))
        {
            return $"Starting a run needs the {RolePolicy.StartRole} role, which {actor.DisplayName} does not have.";
        }

        foreach (var rule in workflow.StartRules)
        {
            var condition = rule.When is null ? null : StartCondition.Parse(rule.When, out _);
            if (condition is not null && !condition.Holds(values))
            {
                continue;
            }

            if (!rule.Who.Any(actor.Matches))
            {
                var when = condition is null ? "" : $" with {condition.Parameter}={values.GetValueOrDefault(condition.Parameter)}";
                return $"Starting {workflow.Name}{when} is for {string.Join(", ", rule.Who)} only{(rule.Source is null ? "" : $" (rule at {rule.Source})")}; {actor.DisplayName} is not.";
            }
        }

        return null;
    }
}
