using OpsFlow.Engine.Definitions;

namespace OpsFlow.Teams.Cards;

/// <summary>
/// Bad or missing parameters (docs/product.md §2): each parameter in trouble with the rule it broke and a value that works,
/// then the usage line, an example command and every parameter's rules.
/// </summary>
internal static class UsageCard
{
    /// <param name="workflow">The workflow whose parameters were wrong.</param>
    /// <param name="errors">Every problem found, so all are fixed in one go.</param>
    /// <param name="command">The command that was typed ("plan ", "schedule "), or empty for a start.</param>
    public static AdaptiveCard Build(WorkflowDescriptor workflow, IReadOnlyList<ParameterError> errors, string command = "")
    {
        var body = new List<CardElement>
        {
            ReplyCard.Problem(errors.Count == 1 ? "One argument needs fixing:" : $"{errors.Count} arguments need fixing:"),
        };
        body.AddRange(errors.Select(e => (CardElement)new TextBlock(Describe(workflow, e)) { Spacing = "small" }));
        body.Add(ReplyCard.Command($"/{command}{ParameterArguments.Usage(workflow)}", "Usage:") with { Spacing = "medium" });
        body.Add(ReplyCard.Command(HelpCards.Example(workflow, command), "Example:"));
        body.AddRange(HelpCards.Parameters(workflow));
        var fallback = $"/{command}{workflow.Name}: " + string.Join("; ", errors.Select(e => e.ToString()))
            + $". Usage: /{command}{ParameterArguments.Usage(workflow)}";
        return ReplyCard.Build($"/{command}{workflow.Name}: check the arguments", fallback, body);
    }

    /// <summary>"- **env**: must be one of dev, prod, got 'qa'. Example: env=dev".</summary>
    private static string Describe(WorkflowDescriptor workflow, ParameterError error)
    {
        var declared = workflow.Parameters.FirstOrDefault(p => string.Equals(p.Name, error.Parameter, StringComparison.Ordinal));
        if (declared is null)
        {
            // An unknown name or a surplus value: there is no rule to quote, the problem says what to do.
            return $"- **{error.Parameter}**: {error.Problem}.";
        }

        var rule = error.Problem.Contains(declared.Rule, StringComparison.Ordinal) ? string.Empty : $" Rule: {declared.Rule}.";
        return $"- **{error.Parameter}**: {error.Problem}.{rule} Example: {declared.Name}={HelpCards.Quote(error.Example)}";
    }
}
