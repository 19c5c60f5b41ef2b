using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Notifications;

/// <summary>A notice as routes see it: its event key, level, a subject line and plain text (no chat mentions).</summary>
public sealed record RunNotice(string Key, NoticeLevel Level, string Subject, string Text);

/// <summary>
/// The events of a run worth a notice, with their levels: an approval waiting or escalated (warning), a failure
/// (error), a rollback that ended (error), a rollback that could not finish (critical: a human must), a run that
/// succeeded with warnings (warning, or critical with a critical finding), a scheduled run's result (info).
/// Events older than <see cref="Freshness"/> are not news (a restart after a long outage brings up nothing stale);
/// an approval still waiting always is.
/// </summary>
public static class RunNotices
{
    public static readonly TimeSpan Freshness = TimeSpan.FromMinutes(10);

    public static IReadOnlyList<RunNotice> For(RunRecord run, IReadOnlyList<StepRecord> steps, DateTimeOffset now) =>
        [.. Events(run, steps).Where(e => e.At is null || now - e.At <= Freshness).Select(e => e.Notice)];

    private static IEnumerable<(RunNotice Notice, DateTimeOffset? At)> Events(RunRecord run, IReadOnlyList<StepRecord> steps)
    {
        var name = $"{run.Workflow} run {run.Id}";
        // Failed counts as an end here (it may be retried, but the news is out); the same ends as the run card's.
        var final = run.Status is RunStatus.Succeeded or RunStatus.RolledBack or RunStatus.Failed or RunStatus.Cancelled;
        if (!final)
        {
            foreach (var step in steps.Where(s => IsApprovalWait(run, s)))
            {
                var deadline = step.DueAt is { } due ? $" before {due.UtcDateTime:yyyy-MM-dd HH:mm} UTC" : string.Empty;
                var escalated = step.Escalated ? "Escalated: " : string.Empty;
                yield return (new RunNotice(
                    $"{run.Id}|approval|{step.Name}|{step.Escalated}|{step.StartedAt:O}",
                    NoticeLevel.Warning,
                    $"{escalated}{name} waits for approval of {step.Name}",
                    $"{escalated}{name} ({Parameters(run)}), requested by {run.RequestedByName}, waits for approval of {step.Name}{deadline}. Decide on the run's card in Teams or on the dashboard."), null);
            }
        }

        var failed = RunFailure.StepOf(run, steps);
        if (run.Status is RunStatus.Failed or RunStatus.RollingBack or RunStatus.RolledBack && failed is not null)
        {
            yield return (new RunNotice(
                $"{run.Id}|failed|{failed.Name}|{failed.Attempt}",
                NoticeLevel.Error,
                $"{name} failed at {failed.Name}",
                $"{name} ({Parameters(run)}), requested by {run.RequestedByName}, failed at step {failed.Name}: {failed.Error ?? run.Error ?? "no error recorded"}."), failed.EndedAt);
        }

        var undone = steps.Where(s => s.Status == StepStatus.Compensated).Select(s => s.Name).ToArray();
        var stuck = steps.Where(s => s.Status == StepStatus.CompensationFailed).ToArray();
        if (stuck.Length > 0 && final)
        {
            yield return (new RunNotice(
                $"{run.Id}|needs-human",
                NoticeLevel.Critical,
                $"{name} needs a human: its rollback did not finish",
                $"{name} needs a human: its rollback could not undo {string.Join("; ", stuck.Select(s => $"{s.Name} ({s.Error ?? "no error recorded"})"))}. "
                    + $"Undone: {(undone.Length == 0 ? "nothing" : string.Join(", ", undone))}. Finish the rollback by hand."), run.EndedAt);
        }
        else if (run.Status == RunStatus.RolledBack)
        {
            yield return (new RunNotice(
                $"{run.Id}|rolled-back",
                NoticeLevel.Error,
                $"{name} is rolled back",
                $"{name} is rolled back: undone {(undone.Length == 0 ? "nothing (no step had a rollback action)" : string.Join(", ", undone))}."), run.EndedAt);
        }

        var findings = RunFindings.NeedingAttention(steps);
        var scheduled = run.Trigger.StartsWith("schedule", StringComparison.OrdinalIgnoreCase);
        if (run.Status == RunStatus.Succeeded && findings.Count > 0)
        {
            var critical = findings.Any(f => f.Level == FindingLevel.Critical);
            yield return (new RunNotice(
                $"{run.Id}|findings",
                critical ? NoticeLevel.Critical : NoticeLevel.Warning,
                $"{name} succeeded with warnings",
                $"{name} succeeded with warnings:\n{string.Join("\n", findings.Select(f => $"- {f.Level.ToString().ToLowerInvariant()}: {f.Step}: {f.Text}"))}"), run.EndedAt);
        }
        else if (final && scheduled)
        {
            yield return (new RunNotice(
                $"{run.Id}|final|{run.Status}",
                NoticeLevel.Info,
                $"Scheduled {name}: {StatusVocabulary.Of(run.Status).Label}",
                $"Scheduled {name} {StatusVocabulary.Of(run.Status).Label}."), run.EndedAt);
        }
    }

    // Without the definition: while the run waits for approval, a waiting step with no error is an approval (a step
    // waiting to retry carries the error of its failed attempt).
    private static bool IsApprovalWait(RunRecord run, StepRecord step) =>
        run.Status == RunStatus.WaitingForApproval && step.Status == StepStatus.Waiting && step.Error is null;

    private static string Parameters(RunRecord run) =>
        run.Parameters.Count == 0 ? "no parameters" : string.Join(" ", run.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
}
