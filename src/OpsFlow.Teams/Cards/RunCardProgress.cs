using System.Globalization;
using OpsFlow.Engine.Model;

namespace OpsFlow.Teams.Cards;

/// <summary>
/// The progress bar, the step count, elapsed time and the estimate of time left; for a final run, the outcome
/// and total duration instead. Adaptive Cards 1.5 has no progress element, so the bar is two weighted columns.
/// </summary>
internal static class RunCardProgress
{
    public static bool IsDone(StepStatus status) => status is StepStatus.Succeeded or StepStatus.Skipped;

    public static IEnumerable<CardElement> Build(RunCardView view)
    {
        var run = view.Run;
        var total = view.Steps.Count;
        var done = view.Steps.Count(s => IsDone(s.Record.Status));
        if (RunCardBuilder.IsFinal(run.Status))
        {
            yield return Outcome(view, done, total);
            yield break;
        }

        // Running steps count by what they report, so a long step moves the bar too.
        var partial = view.Steps.Where(s => s.Record.Status == StepStatus.Running).Sum(s => (s.Record.ProgressPercent ?? 0) / 100.0);
        var fraction = total == 0 ? 0 : Math.Clamp((done + partial) / total, 0, 1);
        yield return Bar(fraction, run.Status is RunStatus.RollingBack ? "attention" : "good");
        yield return new TextBlock($"{done} of {total} steps · {Timing(view)}") { Spacing = "small", IsSubtle = true };
    }

    private static TextBlock Outcome(RunCardView view, int done, int total)
    {
        var run = view.Run;
        var (symbol, color) = StatusStyle.Of(run.Status);
        var took = run.StartedAt is { } started ? $" in {DurationText.Of((run.EndedAt ?? view.Now) - started)}" : string.Empty;
        var words = run.Status switch
        {
            RunStatus.Succeeded => $"Succeeded{took}",
            RunStatus.RolledBack => $"Failed and rolled back{took}",
            RunStatus.Failed => $"Failed{took}; needs a human (retry with /retry {run.Id})",
            _ => $"Cancelled{took}",
        };
        return new TextBlock($"{symbol} {words} · {done} of {total} steps done") { Color = color, Weight = "bolder" };
    }

    private static string Timing(RunCardView view)
    {
        var run = view.Run;
        if (run.StartedAt is not { } started)
        {
            return "not started yet";
        }

        var elapsed = view.Now - started;
        var text = $"{DurationText.Of(elapsed)} elapsed";
        if (run.Status is RunStatus.WaitingForApproval or RunStatus.Paused || view.TypicalDuration is not { } typical)
        {
            return text;
        }

        return $"{text} · {RunCardText.Estimate(elapsed, typical)}";
    }

    private static ColumnSet Bar(double fraction, string style)
    {
        var percent = (int)Math.Round(fraction * 100);
        var columns = new List<Column>();
        if (percent > 0)
        {
            columns.Add(Segment(percent, style));
        }

        if (percent < 100)
        {
            columns.Add(Segment(100 - percent, "emphasis"));
        }

        return new ColumnSet(columns) { Spacing = "medium" };
    }

    private static Column Segment(int weight, string style) =>
        new([]) { Width = weight.ToString(CultureInfo.InvariantCulture), Style = style, MinHeight = "8px" };
}
