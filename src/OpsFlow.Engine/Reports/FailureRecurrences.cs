using System.Globalization;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Reports;

/// <summary>
/// Whether a failure is new: how often the same failure (<see cref="FailureFingerprint"/>) happened in the last
/// <see cref="FailureRecurrences.Days"/> days, the last time, and how that one was cleared.
/// </summary>
public sealed record FailureRecurrence(string Fingerprint, int Count, int Days, string? LastRunId, DateTimeOffset? LastAt, string? ClearedBy)
{
    /// <summary>One sentence for the card, the notice and the dashboard.</summary>
    public string Text => Count == 0 || LastAt is not { } last
        ? $"New: no failure like this in the last {Days} days (fingerprint {Fingerprint})."
        : $"Seen {Count} time{(Count == 1 ? "" : "s")} in {Days} days (same workflow, step and normalised error), last in run {LastRunId} on "
            + $"{last.UtcDateTime.ToString("d MMM", CultureInfo.InvariantCulture)}, cleared then by {ClearedBy} (fingerprint {Fingerprint}).";
}

/// <summary>
/// Reads a failure's past from the run history: the earlier failures of the same workflow and step whose normalised
/// error matches, and, for the last one, what ended it: a retry or a skip in that run (by whom), a later run that
/// succeeded (on a new script version or the same), or nothing yet.
/// </summary>
public sealed class FailureRecurrences(IRunReports reports, IRunStore store, TimeProvider clock)
{
    public const int Days = 30;

    /// <summary>The most past failures of one step read: enough to count a noisy step for a month.</summary>
    private const int MaxEvents = 1_000;

    public async Task<FailureRecurrence> OfAsync(RunRecord run, StepRecord failed, CancellationToken cancellationToken)
    {
        var since = clock.GetUtcNow() - TimeSpan.FromDays(Days);
        var events = await reports.GetStepFailuresAsync(run.Workflow, failed.Name, since, MaxEvents, cancellationToken);

        // This failure is the newest failure entry of this run; its words are the history's, like the others'.
        var current = events.Where(e => e.RunId == run.Id).MaxBy(e => e.Seq);
        var fingerprint = FailureFingerprint.Of(run.Workflow, failed.Name, current is null ? failed.Error ?? "" : FailureFingerprint.ErrorOf(current.Reason));
        var earlier = events
            .Where(e => e != current && FailureFingerprint.Of(run.Workflow, failed.Name, FailureFingerprint.ErrorOf(e.Reason)) == fingerprint)
            .ToArray();
        if (earlier.Length == 0)
        {
            return new FailureRecurrence(fingerprint, 0, Days, null, null, null);
        }

        var last = earlier.MaxBy(e => (e.At, e.Seq))!;
        return new FailureRecurrence(fingerprint, earlier.Length, Days, last.RunId, last.At, await ClearedAsync(run, failed.Name, last, cancellationToken));
    }

    private async Task<string> ClearedAsync(RunRecord run, string step, StepFailureEvent last, CancellationToken cancellationToken)
    {
        // In that run: the first retry or skip after the failure (a retry that failed again is a later failure, and
        // would be the last one instead).
        var history = await store.GetHistoryAsync(last.RunId, cancellationToken);
        var action = history
            .Where(h => h.Seq > last.Seq)
            .FirstOrDefault(h => h.Reason.StartsWith("retried by ", StringComparison.Ordinal)
                || (h.Step == step && h.Reason.StartsWith("skipped by ", StringComparison.Ordinal)));
        if (action is not null)
        {
            return action.Reason.StartsWith("retried by ", StringComparison.Ordinal) ? $"a retry by {action.Actor}" : $"a skip by {action.Actor}";
        }

        var later = await store.ListRunsAsync(new RunQuery { Workflow = run.Workflow, Status = RunStatus.Succeeded, From = last.At, Take = 100 }, cancellationToken);
        var next = later.Runs.Where(r => r.Id != last.RunId).MinBy(r => r.CreatedAt);
        return next is null ? "nothing yet (no run of the workflow has succeeded since)"
            : next.WorkflowVersion != last.WorkflowVersion ? $"a later run on a new script version (run {next.Id})"
            : $"a later run that succeeded (run {next.Id})";
    }
}
