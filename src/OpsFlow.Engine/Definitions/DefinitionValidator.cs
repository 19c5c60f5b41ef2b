namespace OpsFlow.Engine.Definitions;

/// <summary>
/// Checks a step graph before anything runs: empty or duplicate names, unknown dependencies, cycles,
/// and nonsense policies. It lists every problem at once, each with the declaring source line when known.
/// </summary>
public static class DefinitionValidator
{
    public static IReadOnlyList<string> Problems(WorkflowDefinition definition)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(definition.Name))
        {
            problems.Add("the workflow has no name");
        }

        CheckParameters(definition.Descriptor.Parameters, problems);
        CheckStartRules(definition.Descriptor, problems);
        var byName = new Dictionary<string, StepDefinition>(StringComparer.Ordinal);
        foreach (var step in definition.Steps)
        {
            if (string.IsNullOrWhiteSpace(step.Name))
            {
                problems.Add($"a step has no name{At(step)}");
            }
            else if (!byName.TryAdd(step.Name, step))
            {
                problems.Add($"step '{step.Name}'{At(step)} is declared twice (first{At(byName[step.Name])})");
            }

            CheckStep(step, problems);
        }

        foreach (var step in definition.Steps)
        {
            foreach (var dependency in step.DependsOn)
            {
                if (string.Equals(dependency, step.Name, StringComparison.Ordinal))
                {
                    problems.Add($"step '{step.Name}'{At(step)} depends on itself");
                }
                else if (!byName.ContainsKey(dependency))
                {
                    problems.Add($"step '{step.Name}'{At(step)} depends on unknown step '{dependency}'");
                }
            }
        }

        problems.AddRange(FindCycles(definition.Steps, byName));
        if (definition.MaxParallelism is < 1)
        {
            problems.Add("MaxParallelism must be at least 1");
        }

        return problems;
    }

    public static void ThrowIfInvalid(WorkflowDefinition definition)
    {
        var problems = Problems(definition);
        if (problems.Count > 0)
        {
            throw new WorkflowDefinitionException(definition.Name, problems);
        }
    }

    private static void CheckParameters(IReadOnlyList<ParameterDefinition> parameters, List<string> problems)
    {
        foreach (var group in parameters.GroupBy(p => p.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"parameter '{group.Key}' is declared {group.Count()} times");
        }

        foreach (var parameter in parameters)
        {
            if (parameter.Type == ParameterType.Choice && parameter.OneOf is not { Count: > 0 })
            {
                problems.Add($"parameter '{parameter.Name}' is a choice with no values");
            }

            if (parameter.Pattern is not null && !IsRegex(parameter.Pattern))
            {
                problems.Add($"parameter '{parameter.Name}' has an invalid pattern '{parameter.Pattern}'");
            }
        }
    }

    private static void CheckStartRules(WorkflowDescriptor workflow, List<string> problems)
    {
        foreach (var rule in workflow.StartRules)
        {
            var where = rule.Source is null ? "a start rule" : $"the start rule at {rule.Source}";
            if (rule.Who.Count == 0 || rule.Who.Any(string.IsNullOrWhiteSpace))
            {
                problems.Add($"{where} names nobody: give roles (\"role:ops-manager\"), UPNs or user ids");
            }

            if (rule.When is null)
            {
                continue;
            }

            if (StartCondition.Parse(rule.When, out var problem) is not { } condition)
            {
                problems.Add($"{where}: {problem}");
            }
            else if (!workflow.Parameters.Any(p => string.Equals(p.Name, condition.Parameter, StringComparison.Ordinal)))
            {
                problems.Add($"{where}: there is no parameter '{condition.Parameter}'; the parameters are {string.Join(", ", workflow.Parameters.Select(p => p.Name))}");
            }
        }
    }

    private static void CheckStep(StepDefinition step, List<string> problems)
    {
        var where = $"step '{step.Name}'{At(step)}";
        if (step.Kind == StepKind.Action && step.Body is null)
        {
            problems.Add($"{where} has no body");
        }

        if (step.Kind == StepKind.Approval && step.Approval is null)
        {
            problems.Add($"{where} is an approval with no approval policy");
        }

        if (step.Approval is { } approval)
        {
            if (approval.Required < 1)
            {
                problems.Add($"{where}: Required must be at least 1, got {approval.Required}");
            }

            if (approval.Timeout <= TimeSpan.Zero)
            {
                problems.Add($"{where}: the approval timeout must be positive");
            }

            if (approval.OnTimeout == ApprovalTimeoutAction.Escalate && approval.EscalateTo.Count == 0)
            {
                problems.Add($"{where}: escalates on timeout but names nobody to escalate to");
            }
        }

        if (step.Retry is { } retry && (retry.MaxAttempts < 1 || retry.InitialDelay < TimeSpan.Zero || retry.Backoff < 1.0))
        {
            problems.Add($"{where}: Retry needs max ≥ 1, a delay ≥ 0 and a backoff ≥ 1");
        }

        if (step.Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            problems.Add($"{where}: Timeout must be positive");
        }
    }

    /// <summary>Depth-first search; each cycle is reported once, as the path that closes it.</summary>
    private static List<string> FindCycles(IReadOnlyList<StepDefinition> steps, Dictionary<string, StepDefinition> byName)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<string>();
        var cycles = new List<string>();

        void Visit(StepDefinition step)
        {
            state[step.Name] = 1;
            path.Add(step.Name);
            foreach (var dependency in step.DependsOn.Where(byName.ContainsKey).Where(d => d != step.Name))
            {
                var mark = state.GetValueOrDefault(dependency);
                if (mark == 1)
                {
                    var loop = path.Skip(path.IndexOf(dependency)).Append(dependency);
                    cycles.Add($"steps form a cycle: {string.Join(" → ", loop)}{At(step)}");
                }
                else if (mark == 0)
                {
                    Visit(byName[dependency]);
                }
            }

            path.RemoveAt(path.Count - 1);
            state[step.Name] = 2;
        }

        foreach (var step in byName.Values.Where(s => state.GetValueOrDefault(s.Name) == 0))
        {
            Visit(step);
        }

        return cycles;
    }

    private static bool IsRegex(string pattern)
    {
        try
        {
            _ = new System.Text.RegularExpressions.Regex(pattern);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string At(StepDefinition step) => step.Source is null ? string.Empty : $" (declared at {step.Source})";
}
