using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Teams.Cards;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Publishing;

/// <summary>A message worth a new post (docs/product.md §7). <see cref="Key"/> names the event: each is announced once.</summary>
public sealed record RunNotification(string Key, string Kind, string Text, IReadOnlyList<Mention> Mentions);

/// <summary>
/// The events that need attention, read from a run card's view: an approval waiting (mentioning its approvers),
/// a failure (mentioning the requester), a rollback's outcome, a run that succeeded with warnings (its findings), the
/// final result of a scheduled run. Everything else is the card's job.
/// </summary>
public static class RunNotifications
{
    /// <summary>
    /// Events older than this are not announced: a /status on an old run, or a restart after a long outage, must not
    /// bring up news nobody needs any more. (Which events were announced is kept in the notice log, so a fresh one is
    /// announced once across restarts and hosts.)
    /// </summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromMinutes(10);

    public static IEnumerable<RunNotification> For(RunCardView view, AccessOptions access) =>
        Events(view, access).Where(e => e.At is null || view.Now - e.At <= Freshness).Select(e => e.Notification);

    private static IEnumerable<(RunNotification Notification, DateTimeOffset? At)> Events(RunCardView view, AccessOptions access)
    {
        var run = view.Run;
        if (!RunCardBuilder.IsFinal(run.Status))
        {
            // An approval still waiting is news however long ago it began: the approvers must act, and an escalation
            // (hours later, to other people) must reach the new approvers. Each round and escalation is announced once.
            foreach (var step in view.Steps.Where(s => s.Kind == StepKind.Approval && s.Record.Status == StepStatus.Waiting && s.Approval is not null))
            {
                yield return (Approval(run, step, access), null);
                if (Reminder(run, step, access, view.Now) is { } reminder)
                {
                    yield return (reminder, null);
                }
            }
        }

        if (run.Status is RunStatus.Failed or RunStatus.RollingBack or RunStatus.RolledBack)
        {
            var failed = view.FailedStep;
            var where = failed is null ? string.Empty : $" at step {failed.Name}";
            var error = RunCardText.Trim(failed?.Record.Error ?? run.Error ?? "no error recorded", 300);
            var requester = Mentioned(run.RequestedById, run.RequestedByName);
            yield return (new RunNotification(
                $"{run.Id}|failed|{failed?.Name}|{failed?.Record.Attempt}",
                "failure",
                $"✗ Run {run.Id} ({run.Workflow}) failed{where}: {error}. {(view.Recurrence is { } recurrence ? recurrence.Text + " " : string.Empty)}{requester.Text}, the card shows the last log lines and the rollback.",
                [requester]), failed?.Record.EndedAt);
        }

        // How a rollback ended is news of its own (the failure notice above went out when it began): what was undone,
        // and, when a compensation failed, what was not, for a human to finish.
        var undone = view.Steps.Where(st => st.Record.Status == StepStatus.Compensated).Select(st => st.Name).ToArray();
        var stuck = view.Steps.Where(st => st.Record.Status == StepStatus.CompensationFailed).ToArray();
        if (stuck.Length > 0 && RunCardBuilder.IsFinal(run.Status))
        {
            var requester = Mentioned(run.RequestedById, run.RequestedByName);
            var admins = Expand(["role:" + Roles.Admin], access).Where(a => !string.Equals(a, run.RequestedById, StringComparison.OrdinalIgnoreCase)).Select(a => Mentioned(a, a)).ToArray();
            Mention[] people = [requester, .. admins];
            var failures = string.Join("; ", stuck.Select(st => $"{st.Name}: {RunCardText.Trim(st.Record.Error ?? "no error recorded", 200)}"));
            yield return (new RunNotification(
                $"{run.Id}|needs-human",
                "needs a human",
                $"⚠ Run {run.Id} ({run.Workflow}) needs a human: its rollback could not undo {string.Join(", ", stuck.Select(st => st.Name))} ({failures}). "
                    + $"Undone: {(undone.Length == 0 ? "nothing" : string.Join(", ", undone))}. {string.Join(", ", people.Select(p => p.Text))}: finish the rollback by hand, then see the run's card.",
                people), run.EndedAt);
        }
        else if (run.Status == RunStatus.RolledBack)
        {
            var requester = Mentioned(run.RequestedById, run.RequestedByName);
            yield return (new RunNotification(
                $"{run.Id}|rolled-back",
                "rolled back",
                $"↩ Run {run.Id} ({run.Workflow}) is rolled back: undone {(undone.Length == 0 ? "nothing (no step had a rollback action)" : string.Join(", ", undone))}. {requester.Text}, the card shows each step.",
                [requester]), run.EndedAt);
        }

        var findings = RunFindings.NeedingAttention(view.Steps.Select(st => st.Record));
        if (run.Status == RunStatus.Succeeded && findings.Count > 0)
        {
            // What a run found is news whoever started it: the nightly inspection's full disk must not wait for someone
            // to open its card. It takes the place of the scheduled result below.
            var scheduled = run.Trigger.StartsWith("schedule", StringComparison.OrdinalIgnoreCase) ? "Scheduled run" : "Run";
            var listed = string.Join("; ", findings.Take(5).Select(f => $"{RunCardFindings.Symbol(f.Level)} {RunCardText.Trim($"{f.Step}: {f.Text}", 200)}"));
            var more = findings.Count > 5 ? $"; and {findings.Count - 5} more on the card" : string.Empty;
            var critical = findings.Count(f => f.Level == FindingLevel.Critical);
            var counted = critical > 0 ? $"{critical} critical, {findings.Count - critical} warning(s)" : $"{findings.Count} warning(s)";
            yield return (new RunNotification(
                $"{run.Id}|findings",
                critical > 0 ? "critical findings" : "warnings",
                $"⚠ {scheduled} {run.Id} of {run.Workflow} succeeded with warnings ({counted}): {listed}{more}.",
                []), run.EndedAt);
        }
        else if (RunCardBuilder.IsFinal(run.Status) && run.Trigger.StartsWith("schedule", StringComparison.OrdinalIgnoreCase))
        {
            var (symbol, _) = StatusStyle.Of(run.Status);
            var took = run.StartedAt is { } started && run.EndedAt is { } ended ? $" in {DurationText.Of(ended - started)}" : string.Empty;
            yield return (new RunNotification(
                $"{run.Id}|final|{run.Status}",
                "scheduled result",
                $"{symbol} Scheduled run {run.Id} of {run.Workflow}: {RunCardText.Status(run.Status).ToLowerInvariant()}{took}.",
                []), run.EndedAt);
        }
    }

    private static RunNotification Approval(RunRecord run, StepView step, AccessOptions access)
    {
        var approval = step.Approval!;
        var people = Expand(approval.Approvers, access).Select(p => Mentioned(p, p)).ToArray();
        var who = people.Length > 0 ? string.Join(", ", people.Select(m => m.Text))
            : approval.Approvers.Count > 0 ? string.Join(", ", approval.Approvers)
            : "any operator";
        var message = string.IsNullOrWhiteSpace(approval.Message) ? string.Empty : $": {RunCardText.Trim(approval.Message, 300)}";
        var deadline = step.Record.DueAt is { } due ? $" before {RunCardText.Time(due)}" : string.Empty;
        var text = step.Record.Escalated
            ? $"⏫ Escalated: run {run.Id} ({run.Workflow}) still waits for approval of {step.Name}{message}; nobody decided in time. {who}: please decide on the run's card{deadline}."
            : $"⏳ Run {run.Id} ({run.Workflow}) waits for approval of {step.Name}{message}. {who}: please decide on the run's card{deadline}.";
        return new RunNotification(
            // The engine does not count approval rounds in Attempt; each new wait starts at a new time.
            $"{run.Id}|approval|{step.Name}|{step.Record.Attempt}|{step.Record.Escalated}|{step.Record.StartedAt:O}",
            step.Record.Escalated ? "escalation" : "approval",
            text,
            people);
    }

    /// <summary>
    /// The latest reminder due for a waiting approval (every RemindEvery since it began, at most MaxReminders), or
    /// null. Only the latest: after an outage the approvers get one reminder, not every one they missed. An escalated
    /// approval is not reminded: the escalation was the last call, to other people.
    /// </summary>
    private static RunNotification? Reminder(RunRecord run, StepView step, AccessOptions access, DateTimeOffset now)
    {
        var approval = step.Approval!;
        if (approval.MaxReminders <= 0 || approval.RemindEvery <= TimeSpan.Zero || step.Record.Escalated || step.Record.StartedAt is not { } began)
        {
            return null;
        }

        var due = (int)Math.Min(approval.MaxReminders, Math.Floor((now - began) / approval.RemindEvery));
        if (due < 1)
        {
            return null;
        }

        var people = Expand(approval.Approvers, access).Select(p => Mentioned(p, p)).ToArray();
        var who = people.Length > 0 ? string.Join(", ", people.Select(m => m.Text)) : "approvers";
        var deadline = step.Record.DueAt is { } at ? $"; it times out at {RunCardText.Time(at)}" : string.Empty;
        return new RunNotification(
            $"{run.Id}|reminder|{step.Name}|{step.Record.Escalated}|{began:O}|{due}",
            "reminder",
            $"⏰ Reminder {due} of {approval.MaxReminders}: run {run.Id} ({run.Workflow}) has waited {DurationText.Of(now - began)} for approval of {step.Name}{deadline}. {who}: please decide on the run's card.",
            people);
    }

    /// <summary>Approvers as people: "role:x" becomes the members configured for role x; "user:" prefixes go.</summary>
    public static IReadOnlyList<string> Expand(IReadOnlyList<string> approvers, AccessOptions access)
    {
        var people = new List<string>();
        foreach (var approver in approvers)
        {
            if (approver.StartsWith("role:", StringComparison.OrdinalIgnoreCase))
            {
                people.AddRange(access.Roles.TryGetValue(approver[5..], out var members) ? members : []);
            }
            else
            {
                people.Add(approver.StartsWith("user:", StringComparison.OrdinalIgnoreCase) ? approver[5..] : approver);
            }
        }

        return [.. people.Where(p => !string.IsNullOrWhiteSpace(p)).Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    private static Mention Mentioned(string id, string name) =>
        new(new ChannelAccount { Id = id, Name = name }, $"<at>{name}</at>");
}
