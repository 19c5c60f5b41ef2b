using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Telemetry;

/// <summary>
/// One run's trace and metrics on this host, fed from the coordinator's thread only (so no locks). The trace id is
/// derived from the run id: the spans a host writes after a crash, or another host writes, join the same trace.
/// Spans carry the times the engine recorded, so a span is exactly the step as the history tells it.
/// </summary>
internal sealed class RunTrace(EngineTelemetry telemetry, string runId, string workflow)
{
    private readonly Dictionary<string, OpenSpan> _open = new(StringComparer.Ordinal);
    private readonly KeyValuePair<string, object?> _workflowTag = new("workflow", workflow);
    private Activity? _root;

    public Activity? Root => _root;

    public static ActivityTraceId TraceIdOf(string runId) =>
        ActivityTraceId.CreateFromBytes(SHA256.HashData(Encoding.UTF8.GetBytes(runId)).AsSpan(0, 16));

    /// <summary>The run's root span: from its creation, or from now when this host resumes it.</summary>
    public void Begin(RunRecord run, bool recovering, ActivityContext origin, DateTimeOffset now)
    {
        var parent = new ActivityContext(TraceIdOf(runId), default, ActivityTraceFlags.Recorded);
        ActivityLink[]? links = origin == default ? null : [new ActivityLink(origin)];
        _root = Create(recovering ? $"run {workflow} (resumed)" : $"run {workflow}", parent, recovering ? now : run.CreatedAt, links);
        _root?.SetTag("opsflow.run.id", runId)
            .SetTag("opsflow.workflow", workflow)
            .SetTag("opsflow.trigger", run.Trigger)
            .SetTag("opsflow.requested_by", run.RequestedByName)
            .SetTag("opsflow.resumed", recovering);
    }

    /// <summary>A step body or compensation begins executing; returns the span its code runs under.</summary>
    public Activity? StepLaunched(string step, int attempt, bool compensation, DateTimeOffset startedAt)
    {
        Close(step, startedAt, "Superseded", error: null);
        var span = _root is null ? null : Create(compensation ? $"compensate {step}" : $"step {step}", _root.Context, startedAt, links: null);
        span?.SetTag("opsflow.run.id", runId).SetTag("opsflow.step", step).SetTag("opsflow.attempt", attempt).SetTag("opsflow.compensation", compensation);
        _open[step] = new OpenSpan(span, startedAt, compensation ? SpanKind.Compensation : SpanKind.Body);
        telemetry.StepsInFlight.Add(1, _workflowTag);
        return span;
    }

    /// <summary>An approval step waits for people (requested now, or found waiting when this host resumed the run).</summary>
    public void ApprovalWaiting(string step, int round, DateTimeOffset since)
    {
        var span = _root is null ? null : Create($"approval {step}", _root.Context, since, links: null);
        span?.SetTag("opsflow.run.id", runId).SetTag("opsflow.step", step).SetTag("opsflow.approval.round", round);
        _open[step] = new OpenSpan(span, since, SpanKind.Approval);
        telemetry.ApprovalWaiting(runId, step, workflow, since);
    }

    /// <summary>What a saved change did, read from its history entries.</summary>
    public void Committed(IReadOnlyList<HistoryEntry> history, RunRecord run, Func<string, StepRecord> stepOf, Func<string, StepKind> kindOf)
    {
        foreach (var entry in history)
        {
            if (entry.Kind == HistoryKind.Run)
            {
                RunMoved(entry, run);
            }
            else if (entry.Kind == HistoryKind.Step && entry.Step is { } step && entry.From != entry.To)
            {
                StepMoved(entry, step, stepOf(step), kindOf(step));
            }
        }
    }

    /// <summary>The coordinator is done with the run: it ended, or this host stops driving it.</summary>
    public void End(RunRecord run, DateTimeOffset now)
    {
        var ended = StateMachine.IsTerminal(run.Status);
        foreach (var step in _open.Keys.ToArray())
        {
            Close(step, now, ended ? run.Status.ToString() : "Interrupted", error: null);
        }

        telemetry.ForgetRun(runId);
        if (_root is null)
        {
            return;
        }

        _root.SetTag("opsflow.run.status", run.Status.ToString());
        if (run.Status is RunStatus.Failed or RunStatus.RolledBack)
        {
            _root.SetStatus(ActivityStatusCode.Error, Shorten(run.Error));
        }

        _root.SetEndTime((ended ? run.EndedAt ?? now : now).UtcDateTime);
        Stop(_root);
        _root = null;
    }

    private void RunMoved(HistoryEntry entry, RunRecord run)
    {
        if (entry.From == nameof(RunStatus.Pending) && entry.To == nameof(RunStatus.Running))
        {
            telemetry.RunsStarted.Add(1, _workflowTag, new("trigger", run.Trigger));
        }
        else if (Enum.TryParse<RunStatus>(entry.To, out var to) && StateMachine.IsTerminal(to))
        {
            var outcome = new KeyValuePair<string, object?>("outcome", entry.To);
            telemetry.RunsFinished.Add(1, _workflowTag, outcome);
            telemetry.RunDuration.Record((entry.At - (run.StartedAt ?? run.CreatedAt)).TotalSeconds, _workflowTag, outcome);
        }
    }

    private void StepMoved(HistoryEntry entry, string step, StepRecord record, StepKind kind)
    {
        switch (entry.From, entry.To)
        {
            case (nameof(StepStatus.Pending), nameof(StepStatus.Waiting)) when kind == StepKind.Approval:
                ApprovalWaiting(step, record.Attempt, entry.At);
                return;
            case (nameof(StepStatus.Running), nameof(StepStatus.Waiting)):
                telemetry.Retries.Add(1, _workflowTag, new("step", step));
                break;
            case (nameof(StepStatus.Compensating), _):
                telemetry.Compensations.Add(1, _workflowTag, new("step", step), new("outcome", entry.To));
                break;
        }

        if (entry.From is nameof(StepStatus.Running) or nameof(StepStatus.Compensating) or nameof(StepStatus.Waiting))
        {
            var outcome = entry.From == nameof(StepStatus.Running) && entry.To == nameof(StepStatus.Waiting) ? "Retry" : entry.To!;
            if (!_open.ContainsKey(step) && entry.From == nameof(StepStatus.Running))
            {
                // Settled in the same change that started it (a checkpoint, a condition that threw): still one span.
                StepLaunched(step, record.Attempt, compensation: false, record.StartedAt ?? entry.At);
            }

            Close(step, entry.At, outcome, record.Error);
        }
    }

    private void Close(string step, DateTimeOffset at, string outcome, string? error)
    {
        if (!_open.Remove(step, out var open))
        {
            return;
        }

        var tags = new TagList { _workflowTag, { "step", step }, { "outcome", outcome } };
        if (open.Kind == SpanKind.Approval)
        {
            telemetry.ApprovalDone(runId, step);
        }
        else
        {
            telemetry.StepsInFlight.Add(-1, _workflowTag);
            telemetry.StepDuration.Record(Math.Max(0, (at - open.Since).TotalSeconds), tags);
        }

        if (open.Span is { } span)
        {
            span.SetTag("opsflow.outcome", outcome);
            if (outcome is nameof(StepStatus.Failed) or nameof(StepStatus.TimedOut) or nameof(StepStatus.CompensationFailed) or "Retry")
            {
                span.SetStatus(ActivityStatusCode.Error, Shorten(error));
            }

            span.SetEndTime(at.UtcDateTime);
            Stop(span);
        }
    }

    /// <summary>Creates and starts a span without making it the caller's current one.</summary>
    private static Activity? Create(string name, ActivityContext parent, DateTimeOffset start, ActivityLink[]? links)
    {
        // With no parent span id, Start would adopt the caller's current span as the parent: there is none while it runs.
        var previous = Activity.Current;
        Activity.Current = null;
        var span = EngineTelemetry.Source.CreateActivity(name, ActivityKind.Internal, parent, tags: null, links);
        span?.SetStartTime(start.UtcDateTime);
        span?.Start();
        Activity.Current = previous;
        return span;
    }

    /// <summary>Stop would make the span's predecessor current on this thread; the caller's current span stays.</summary>
    private static void Stop(Activity span)
    {
        var current = Activity.Current;
        span.Stop();
        Activity.Current = current;
    }

    private static string? Shorten(string? text) => text is { Length: > 200 } ? text[..200] : text;

    private enum SpanKind { Body, Compensation, Approval }

    private readonly record struct OpenSpan(Activity? Span, DateTimeOffset Since, SpanKind Kind);
}
