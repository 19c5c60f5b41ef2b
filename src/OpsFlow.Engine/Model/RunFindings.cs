using OpsFlow.Engine.Definitions;

namespace OpsFlow.Engine.Model;

/// <summary>A finding with the step that reported it.</summary>
public sealed record StepFinding(string Step, FindingLevel Level, string Text);

/// <summary>
/// A run's findings as every channel lists them (card, chat notice, routed notice, API, command line): all steps'
/// findings in step order, worst first.
/// </summary>
public static class RunFindings
{
    public static IReadOnlyList<StepFinding> Of(IEnumerable<StepRecord> steps) =>
        [.. steps.OrderBy(s => s.Position).SelectMany(s => s.Findings.Select(f => new StepFinding(s.Name, f.Level, f.Text))).OrderByDescending(f => f.Level)];

    /// <summary>The findings that need someone (warning or critical), worst first.</summary>
    public static IReadOnlyList<StepFinding> NeedingAttention(IEnumerable<StepRecord> steps) =>
        [.. Of(steps).Where(f => f.Level != FindingLevel.Ok)];

    /// <summary>True when a step reported a warning or a critical finding.</summary>
    public static bool NeedAttention(IEnumerable<StepRecord> steps) =>
        steps.Any(s => s.Findings.Any(f => f.Level != FindingLevel.Ok));
}
