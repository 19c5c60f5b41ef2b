using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;

namespace OpsFlow.Teams.Cards;

/// <summary>
/// What the run's steps found (an inspection's disk, memory, endpoints…): critical and warning findings first, each
/// with its step, then the ok ones while there is room, so the card answers "is anything wrong?" at a glance.
/// </summary>
internal static class RunCardFindings
{
    public static IEnumerable<CardElement> Build(RunCardView view, int maxRows)
    {
        var findings = RunFindings.Of(view.Steps.Select(s => s.Record));
        if (findings.Count == 0)
        {
            yield break;
        }

        var attention = findings.Count(x => x.Level != FindingLevel.Ok);
        var heading = attention == 0 ? $"Findings: all {findings.Count} ok" : $"Findings: {attention} of {findings.Count} need attention";
        var items = new List<CardElement> { new TextBlock(heading) { Weight = "bolder" } };
        var shown = findings.Take(Math.Max(maxRows, attention)).ToArray();
        items.AddRange(shown.Select(x => new TextBlock($"{Symbol(x.Level)} {x.Step}: {RunCardText.Trim(x.Text, Finding.MaxText)}")
        {
            Color = Color(x.Level),
            Spacing = "none",
        }));
        if (shown.Length < findings.Count)
        {
            items.Add(new TextBlock($"… and {findings.Count - shown.Length} more ok") { Size = "small", IsSubtle = true, Spacing = "none" });
        }

        yield return new Container(items) { Style = attention > 0 ? "warning" : "default", Spacing = "medium" };
    }

    public static string Symbol(FindingLevel level) => level switch
    {
        FindingLevel.Critical => "‼",
        FindingLevel.Warning => "⚠",
        _ => "✓",
    };

    private static string Color(FindingLevel level) => level switch
    {
        FindingLevel.Critical => "attention",
        FindingLevel.Warning => "warning",
        _ => "good",
    };
}
