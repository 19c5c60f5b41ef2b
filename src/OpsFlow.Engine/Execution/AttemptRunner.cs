using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Telemetry;

namespace OpsFlow.Engine.Execution;

/// <summary>
/// Runs step bodies and compensations of one run on the thread pool, one attempt each, with the step's timeout and
/// a token that the run's stop or a cancel fires. How an attempt ended goes back to the coordinator's loop as a
/// message (<see cref="RunMessage.StepFinished"/>, <see cref="RunMessage.CompensationFinished"/>); what it means
/// (success, a retry later, a failed run) is decided there. It owns the attempts in flight.
/// </summary>
internal sealed class AttemptRunner(
    EngineServices services,
    string runId,
    string workflow,
    ParameterValues parameters,
    IServiceProvider? lent,
    RunTrace trace,
    StepLogSink sink,
    Func<RunMessage, bool> report,
    CancellationToken stopping)
{
    private readonly ConcurrentDictionary<string, (int Attempt, CancellationTokenSource Cancel)> _inFlight = new(StringComparer.Ordinal);

    /// <summary>Step bodies and compensations executing now.</summary>
    public int Count => _inFlight.Count;

    public bool IsIdle => _inFlight.IsEmpty;

    public void Launch(StepDefinition definition, StepRecord step, bool compensation, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> outputs)
    {
        var body = compensation ? definition.Compensation! : definition.Body!;
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _inFlight[step.Name] = (step.Attempt, cancel);
        var now = services.Clock.GetUtcNow();
        var span = trace.StepLaunched(step.Name, step.Attempt, compensation, compensation ? now : step.StartedAt ?? now);
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
        var logger = services.Logger;
        using var scope = logger.BeginScope(new Dictionary<string, object>
        {
            ["RunId"] = runId,
            ["Workflow"] = workflow,
            ["Step"] = step.Name,
            ["Attempt"] = step.Attempt,
        });
        // Compensations get no step timeout: a rollback cut short is worse than a slow one.
        using var timeout = !compensation && definition.Timeout is { } limit
            ? new CancellationTokenSource(limit, services.Clock)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token, timeout.Token);
        var info = new StepContextInfo(runId, workflow, step.Name, step.Attempt, parameters, compensation, services.Clock, services.Secrets, linked.Token) { Items = step.Items, Services = lent };
        var context = new StepContext(info, outputs, sink);
        var started = services.Clock.GetTimestamp();
        StepOutcome outcome;
        string? error = null;
        string? detail = null;
        string? notRetried = null;
        try
        {
            Log.StepStarted(logger, runId, step.Name, step.Attempt, compensation);
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
            error = services.Masker.Apply(ex.Message);
            detail = services.Masker.Apply(ErrorDetail.Of(ex));
            notRetried = definition.Retry?.WhyNotRetried(ex);
            context.LogError($"{ex.GetType().Name}: {ex.Message}");
            // The exception itself is not logged: its message or data may carry a secret.
            Log.StepThrew(logger, ex.GetType().Name, error, runId, step.Name, step.Attempt);
        }

        Log.StepEnded(logger, runId, step.Name, step.Attempt, outcome, services.Clock.GetElapsedTime(started).TotalMilliseconds);
        sink.AttemptEnded(step.Name, step.Attempt);
        if (compensation)
        {
            report(new RunMessage.CompensationFinished(step.Name, step.Attempt, outcome == StepOutcome.Succeeded ? null : error ?? outcome.ToString()) { Items = context.Items });
        }
        else
        {
            report(new RunMessage.StepFinished(step.Name, step.Attempt, outcome, error, context.Outputs.ToDictionary(StringComparer.Ordinal), context.Findings)
            {
                NotRetried = notRetried,
                ErrorDetail = detail,
                ProcessUse = context.ProcessUse,
                Items = context.Items,
            });
        }
    }

    /// <summary>Forgets an attempt that reported back; false when the report is about an attempt that is not current.</summary>
    public bool Settle(string step, int attempt)
    {
        if (!_inFlight.TryGetValue(step, out var current) || current.Attempt != attempt)
        {
            return false;
        }

        _inFlight.TryRemove(step, out _);
        current.Cancel.Dispose();
        return true;
    }

    /// <summary>
    /// Forgets the step's attempt now (its report will be stale) and returns what fires its token, to be called once
    /// the change that cancelled it is saved; null when none runs.
    /// </summary>
    public Action? Abandon(string step)
    {
        if (!_inFlight.TryRemove(step, out var current))
        {
            return null;
        }

        return () =>
        {
            current.Cancel.Cancel();
            current.Cancel.Dispose();
        };
    }

    /// <summary>Fires the token of every attempt still running (the run stops; its durable state stays as it was).</summary>
    public async Task CancelAllAsync()
    {
        foreach (var (_, cancel) in _inFlight.Values)
        {
            try
            {
                await cancel.CancelAsync();
            }
            catch (ObjectDisposedException)
            {
                // The step settled on the loop meanwhile (Settle disposes its token): nothing left to cancel. A stop
                // comes from another thread, so it can see an attempt the loop is just forgetting.
            }
        }
    }
}
