using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Reports;
using OpsFlow.Teams.Cards;

namespace OpsFlow.Teams.Publishing;

/// <summary>
/// Gathers what a run card shows: the stored run and steps, what the run's own definition says about each step
/// (materialized the way recovery does it, once per run), the failed step's last log lines and the typical
/// duration of the workflow.
/// </summary>
public sealed class RunCardSource(
    IRunStore store,
    IWorkflowCatalog catalog,
    RunDurationEstimates estimates,
    TeamsOptions options,
    TimeProvider clock,
    ILogger<RunCardSource> logger,
    FailureRecurrences? recurrences = null)
{
    public const int LogTailLines = 10;
    private const int MaxCachedRuns = 256;
    private readonly BoundedCache<string, RunFacts> _runs = new(MaxCachedRuns);

    public async Task<RunCardView?> LoadAsync(string runId, string? notice, CancellationToken cancellationToken)
    {
        var run = await store.GetRunAsync(runId, cancellationToken);
        if (run is null)
        {
            return null;
        }

        var steps = await store.GetStepsAsync(runId, cancellationToken);
        var facts = await FactsAsync(run, cancellationToken);
        var view = new RunCardView(run, [.. steps.Select(s => ViewOf(run, s, facts.Definition))], clock.GetUtcNow())
        {
            TypicalDuration = await estimates.TypicalAsync(run.Workflow, cancellationToken),
            DashboardUrl = options.DashboardUrl,
            Notice = notice,
        };
        return view.FailedStep is { } failed
            ? view with
            {
                FailedStepLog = await LogTailAsync(facts, failed.Record, cancellationToken),
                Recurrence = await RecurrenceAsync(facts, run, failed.Record, cancellationToken),
            }
            : view;
    }

    /// <summary>Drops what is cached for a run that has ended.</summary>
    public void Forget(string runId) => _runs.Remove(runId);

    private async Task<RunFacts> FactsAsync(RunRecord run, CancellationToken cancellationToken)
    {
        if (_runs.TryGet(run.Id, out var known))
        {
            return known;
        }

        WorkflowDefinition? definition = null;
        try
        {
            definition = await catalog.MaterializeAsync(run.Workflow, run.WorkflowVersion, new ParameterValues(run.Parameters), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The card falls back to the stored steps; the failure is remembered so it is not retried on every change.
            PublishingLog.DefinitionUnavailable(logger, ex, run.Id);
        }

        var facts = new RunFacts(definition);
        _runs.Set(run.Id, facts);
        return facts;
    }

    private static StepView ViewOf(RunRecord run, StepRecord step, WorkflowDefinition? definition)
    {
        if (definition?.Find(step.Name) is not { } declared)
        {
            // Without the definition, a step that waits while the run waits for approval, or has votes, is an approval.
            var approval = step.Votes.Count > 0 || (step.Status == StepStatus.Waiting && run.Status == RunStatus.WaitingForApproval);
            return approval
                ? new StepView(step, StepKind.Approval) { Approval = new ApprovalView([], 1, 0, null) }
                : new StepView(step, StepKind.Action);
        }

        return new StepView(step, declared.Kind)
        {
            MaxAttempts = declared.Retry?.MaxAttempts ?? 1,
            ContinueOnError = declared.ContinueOnError,
            Approval = declared.Approval is { } policy
                ? new ApprovalView(ApprovalRules.CurrentApprovers(policy, step.Escalated), policy.Required, policy.MaxExtensions, policy.Message)
                {
                    Plan = step.Status == StepStatus.Waiting ? ApprovalPlan.Of(definition, run, step.Name) : null,
                    RemindEvery = policy.RemindEvery,
                    MaxReminders = policy.MaxReminders,
                }
                : null,
        };
    }

    private async Task<IReadOnlyList<string>> LogTailAsync(RunFacts facts, StepRecord failed, CancellationToken cancellationToken)
    {
        var key = (failed.Name, failed.Attempt);
        if (facts.LogTail is { } tail && tail.Key == key)
        {
            return tail.Lines;
        }

        var lines = await store.GetStepLogAsync(failed.RunId, failed.Name, cancellationToken);
        var ofAttempt = lines.Where(l => l.Attempt == failed.Attempt).ToArray();
        IReadOnlyList<string> last = [.. (ofAttempt.Length > 0 ? ofAttempt : lines).TakeLast(LogTailLines).Select(l => l.Text)];
        facts.LogTail = (key, last);
        return last;
    }

    /// <summary>Whether the failure is new (read once per failed attempt); null when history cannot be read.</summary>
    private async Task<FailureRecurrence?> RecurrenceAsync(RunFacts facts, RunRecord run, StepRecord failed, CancellationToken cancellationToken)
    {
        var key = (failed.Name, failed.Attempt);
        if (recurrences is null)
        {
            return null;
        }

        if (facts.Recurrence is { } known && known.Key == key)
        {
            return known.Value;
        }

        try
        {
            var value = await recurrences.OfAsync(run, failed, cancellationToken);
            facts.Recurrence = (key, value);
            return value;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The card still shows the failure; whether it is new is a nicety, not worth a card that never comes.
            PublishingLog.RecurrenceUnavailable(logger, ex, run.Id);
            return null;
        }
    }

    /// <summary>What stays the same for a run: its definition (null when it cannot be rebuilt) and the failed step's log tail.</summary>
    private sealed class RunFacts(WorkflowDefinition? definition)
    {
        public WorkflowDefinition? Definition { get; } = definition;

        public ((string Step, int Attempt) Key, IReadOnlyList<string> Lines)? LogTail { get; set; }

        public ((string Step, int Attempt) Key, FailureRecurrence Value)? Recurrence { get; set; }
    }
}
