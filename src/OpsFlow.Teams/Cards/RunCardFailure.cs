using OpsFlow.Engine.Model;

namespace OpsFlow.Teams.Cards;

/// <summary>
/// What went wrong, so nobody has to open a server: the failed step with its error and the last lines of its log
/// (monospace), and the rollback step by step, newest undo first.
/// </summary>
internal static class RunCardFailure
{
    private const int MaxLineLength = 160;

    public static IEnumerable<CardElement> Build(RunCardView view, int maxLogLines)
    {
        if (view.Run is { Status: RunStatus.Cancelled, Error: { } why } && why.StartsWith("force-ended", StringComparison.Ordinal))
        {
            // A force-ended run says why on its card: nothing of it was rolled back.
            yield return new TextBlock($"■ {RunCardText.Trim(why, 500)}") { Weight = "bolder", Color = "warning", Wrap = true };
            yield break;
        }

        if (view.Run.Status is not (RunStatus.Failed or RunStatus.RollingBack or RunStatus.RolledBack))
        {
            yield break;
        }

        var failed = view.FailedStep;
        var items = new List<CardElement>();
        var error = RunCardText.Trim(failed?.Record.Error ?? view.Run.Error ?? "no error recorded", 500);
        items.Add(new TextBlock(failed is null ? $"✗ The run failed: {error}" : $"✗ Failed at step {failed.Name}: {error}") { Weight = "bolder", Color = "attention" });
        if (view.Recurrence is { } recurrence)
        {
            items.Add(new TextBlock(recurrence.Text) { Size = "small", Spacing = "none" });
        }

        var lines = view.FailedStepLog.TakeLast(maxLogLines).ToArray();
        if (lines.Length > 0)
        {
            items.Add(new TextBlock($"Last {lines.Length} log lines") { Size = "small", IsSubtle = true });
            items.AddRange(lines.Select(line => new TextBlock(RunCardText.Trim(line, MaxLineLength))
            {
                FontType = "monospace",
                Size = "small",
                Spacing = "none",
            }));
        }

        yield return new Container(items) { Style = "attention", Spacing = "medium" };
        var rollback = view.Steps
            .Where(s => s.Record.Status is StepStatus.Compensating or StepStatus.Compensated or StepStatus.CompensationFailed)
            .OrderByDescending(s => s.Record.CompletedSeq ?? 0)
            .ToArray();
        if (rollback.Length == 0)
        {
            yield break;
        }

        var rows = new List<CardElement> { new TextBlock("Rollback") { Weight = "bolder" } };
        rows.AddRange(rollback.Select(step =>
        {
            var (symbol, color) = StatusStyle.Of(step.Record.Status);
            var what = step.Record.Status switch
            {
                StepStatus.Compensating => "undoing…",
                StepStatus.Compensated => "undone",
                _ => $"undo failed: {RunCardText.Trim(step.Record.Error ?? "no error recorded", 200)}",
            };
            return new TextBlock($"{symbol} {step.Name}: {what}") { Color = color, Spacing = "small" };
        }));
        yield return new Container(rows) { Spacing = "medium" };
    }
}
