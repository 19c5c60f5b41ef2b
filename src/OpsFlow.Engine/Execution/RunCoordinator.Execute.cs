using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Execution;

/// <summary>Running step bodies and compensations on the thread pool, and reporting how they ended.</summary>
internal sealed partial class RunCoordinator
{
    private void LaunchBody(StepDefinition definition, StepRecord step) =>
        Launch(definition, step, compensation: false, definition.Body!);

    private void LaunchCompensation(StepDefinition definition, StepRecord step) =>
        Launch(definition, step, compensation: true, definition.Compensation!);

    private void Launch(StepDefinition definition, StepRecord step, bool compensation, Func<StepContext, Task> body)
    {
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        _inFlight[step.Name] = (step.Attempt, cancel);
        var outputs = OutputsSoFar();
        var span = _trace.StepLaunched(step.Name, step.Attempt, compensation, compensation ? Now : step.StartedAt ?? Now);
        _ = Task.Run(() =>
        {
            if (span is not null)
            {
                // The step's own calls (HTTP, processes) become children of its span.
                Activity.Current = span;
            }

            return ExecuteAsync(definition, step, compensation, body, cancel, outputs);
        });
    }

    private async Task ExecuteAsync(
        StepDefinition definition,
        StepRecord step,
        bool compensation,
        Func<StepContext, Task> body,
        CancellationTokenSource cancel,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> outputs)
    {
        var logger = _services.Logger;
        using var scope = logger.BeginScope(new Dictionary<string, object>
        {
            ["RunId"] = RunId,
            ["Workflow"] = _run.Workflow,
            ["Step"] = step.Name,
            ["Attempt"] = step.Attempt,
        });
        // Compensations get no step timeout: a rollback cut short is worse than a slow one.
        using var timeout = !compensation && definition.Timeout is { } limit
            ? new CancellationTokenSource(limit, _services.Clock)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token, timeout.Token);
        var context = ContextFor(step, compensation, outputs, linked.Token);
        var started = _services.Clock.GetTimestamp();
        StepOutcome outcome;
        string? error = null;
        try
        {
            Log.StepStarted(logger, RunId, step.Name, step.Attempt, compensation);
            await body(context).WaitAsync(linked.Token);
            outcome = StepOutcome.Succeeded;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            outcome = StepOutcome.TimedOut;
            error = $"timed out after {definition.Timeout}";
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            outcome = StepOutcome.Cancelled;
        }
        catch (Exception ex)
        {
            // The step boundary: whatever a step throws becomes its failure, never the host's.
            outcome = StepOutcome.Failed;
            error = _services.Masker.Apply(ex.Message);
            context.LogError($"{ex.GetType().Name}: {ex.Message}");
            // The exception itself is not logged: its message or data may carry a secret.
            Log.StepThrew(logger, ex.GetType().Name, error, RunId, step.Name, step.Attempt);
        }

        Log.StepEnded(logger, RunId, step.Name, step.Attempt, outcome, _services.Clock.GetElapsedTime(started).TotalMilliseconds);
        if (compensation)
        {
            Post(new RunMessage.CompensationFinished(step.Name, step.Attempt, outcome == StepOutcome.Succeeded ? null : error ?? outcome.ToString()));
        }
        else
        {
            Post(new RunMessage.StepFinished(step.Name, step.Attempt, outcome, error, context.Outputs.ToDictionary(StringComparer.Ordinal)));
        }
    }

    /// <summary>Forgets an in-flight attempt; false when the message is about an attempt that is not current.</summary>
    private bool Settle(string step, int attempt)
    {
        if (!_inFlight.TryGetValue(step, out var current) || current.Attempt != attempt)
        {
            return false;
        }

        _inFlight.TryRemove(step, out _);
        current.Cancel.Dispose();
        return true;
    }

    private void CancelInFlight(string step)
    {
        if (_inFlight.TryRemove(step, out var current))
        {
            _afterCommit.Add(() =>
            {
                current.Cancel.Cancel();
                current.Cancel.Dispose();
            });
        }
    }
}
