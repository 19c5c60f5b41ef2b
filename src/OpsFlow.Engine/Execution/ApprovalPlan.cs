using System.Security.Cryptography;
using System.Text;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Execution;

/// <summary>
/// What an approval lets happen (issue 19): the steps it gates, in the order they would start with branches resolved
/// (as /plan shows them), the run's parameters and the script version, and a hash of the three. Approvers see it;
/// a decision names the hash it was made on, and one made on another plan is refused as stale.
/// </summary>
public sealed record ApprovalPlan(string Step, string? WorkflowVersion, IReadOnlyDictionary<string, string> Parameters, IReadOnlyList<string> Steps, string Hash)
{
    /// <summary>The hash as shown to people: enough to tell two plans apart at a glance.</summary>
    public string ShortHash => Hash[..12];

    /// <summary>The plan of <paramref name="approval"/> in <paramref name="run"/>: only the steps that wait for it, directly or through others.</summary>
    public static ApprovalPlan Of(WorkflowDefinition definition, RunRecord run, string approval)
    {
        var gated = Gated(definition, approval);
        var lines = RunPlanner.Plan(definition, new ParameterValues(run.Parameters))
            .Where(p => gated.Contains(p.Step.Name))
            .Select(p => $"{p.Step.Name}: {Decision(p.Decision)}{(p.Note.Length == 0 ? "" : $" ({p.Note})")}")
            .ToArray();
        var parameters = run.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        return new ApprovalPlan(approval, run.WorkflowVersion, parameters, lines, HashOf(run.WorkflowVersion, parameters, lines));
    }

    /// <summary>The steps that wait for <paramref name="approval"/>, directly or through others.</summary>
    internal static HashSet<string> Gated(WorkflowDefinition definition, string approval)
    {
        var gated = new HashSet<string>(StringComparer.Ordinal);
        var added = true;
        while (added)
        {
            added = false;
            foreach (var step in definition.Steps.Where(s => !gated.Contains(s.Name) && s.DependsOn.Any(d => d == approval || gated.Contains(d))))
            {
                added |= gated.Add(step.Name);
            }
        }

        return gated;
    }

    private static string Decision(PlanDecision decision) => decision switch
    {
        PlanDecision.Runs => "runs",
        PlanDecision.Skipped => "skipped",
        _ => "decided at run time",
    };

    private static string HashOf(string? version, IReadOnlyDictionary<string, string> parameters, IReadOnlyList<string> steps)
    {
        var text = new StringBuilder();
        text.Append("version\n").Append(version ?? "(built in)").Append('\n');
        foreach (var (name, value) in parameters)
        {
            text.Append("parameter\n").Append(name).Append('\n').Append(value).Append('\n');
        }

        foreach (var step in steps)
        {
            text.Append("step\n").Append(step).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
