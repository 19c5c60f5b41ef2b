using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;

namespace OpsFlow.Teams.Cards;

/// <summary>/plan: the steps a run would take, in order, with branches resolved and skipped steps marked. Nothing runs.</summary>
internal static class PlanCard
{
    public static AdaptiveCard Build(WorkflowDefinition definition, ParameterValues parameters, IReadOnlyList<PlannedStep> plan)
    {
        var arguments = string.Join(' ', parameters.Values.Select(p => $"{p.Key}={HelpCards.Quote(p.Value)}"));
        var body = new List<CardElement>();
        if (arguments.Length > 0)
        {
            body.Add(new TextBlock(arguments) { FontType = "monospace", IsSubtle = true });
        }

        body.AddRange(plan.Select(Row));
        var runs = plan.Count(s => s.Decision == PlanDecision.Runs);
        var skipped = plan.Count(s => s.Decision == PlanDecision.Skipped);
        var later = plan.Count(s => s.Decision == PlanDecision.DecidedAtRunTime);
        body.Add(ReplyCard.Note($"{runs} step(s) run, {skipped} skipped, {later} decided at run time. Steps in the same wave may run in parallel. Nothing was executed."));
        var fallback = $"Plan of {definition.Name}: " + string.Join(", ", plan.Select(p => $"{p.Order}. {p.Step.Name} ({Decision(p.Decision)})"));
        return ReplyCard.Build($"Plan of {definition.Name}", fallback, body);
    }

    private static ColumnSet Row(PlannedStep step)
    {
        var (symbol, color) = step.Decision switch
        {
            PlanDecision.Runs => ("▶", "good"),
            PlanDecision.Skipped => ("–", "default"),
            _ => ("?", "warning"),
        };
        var kind = step.Step.Kind == StepKind.Action ? string.Empty : $" ({step.Step.Kind.ToString().ToLowerInvariant()})";
        var detail = string.Join(" · ", new[] { $"wave {step.Wave}", Decision(step.Decision), step.Note }.Where(p => p.Length > 0));
        return new ColumnSet(
        [
            new Column([new TextBlock($"{step.Order}.") { IsSubtle = true }]) { Width = "auto" },
            new Column([new TextBlock(symbol) { Color = color, Weight = "bolder" }]) { Width = "auto" },
            new Column(
            [
                new TextBlock($"{step.Step.Name}{kind}") { Weight = step.Decision == PlanDecision.Skipped ? null : "bolder", IsSubtle = step.Decision == PlanDecision.Skipped ? true : null },
                new TextBlock(detail) { IsSubtle = true, Size = "small", Spacing = "none" },
            ]) { Width = "stretch" },
        ]) { Spacing = "small" };
    }

    private static string Decision(PlanDecision decision) => decision switch
    {
        PlanDecision.Runs => "runs",
        PlanDecision.Skipped => "skipped",
        _ => "decided at run time",
    };
}
