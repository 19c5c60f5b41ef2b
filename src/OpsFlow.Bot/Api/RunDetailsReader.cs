using OpsFlow.Engine.Model;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Api;

/// <summary>
/// Reads a run, its steps and its history as of one version. The three are separate reads; a change committed
/// between them would pair the run of one version with the steps of the next (a page showed a run "running" whose
/// last step had succeeded, and no later event corrected it). The run is read again after the rest: when its version
/// moved, everything is read again.
/// </summary>
internal static class RunDetailsReader
{
    private const int Attempts = 5;

    public static async Task<RunDetails?> ReadAsync(IRunStore store, string id, CancellationToken cancellationToken)
    {
        RunDetails? details = null;
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var run = await store.GetRunAsync(id, cancellationToken);
            if (run is null)
            {
                return null;
            }

            details = new RunDetails(run, await store.GetStepsAsync(id, cancellationToken), await store.GetHistoryAsync(id, cancellationToken));
            if ((await store.GetRunAsync(id, cancellationToken))?.Version == run.Version)
            {
                return details;
            }
        }

        // A run changing this fast is read again at its next change; the reader keeps versions apart (live.js).
        return details;
    }

    /// <summary>
    /// The details with what each waiting approval lets happen and, for a failed run, whether its failure is new
    /// (GET and the live stream show the same).
    /// </summary>
    public static async Task<RunDetails> CompleteAsync(RunDetails details, OpsFlow.Bot.Dashboard.RunGraphDefinitions definitions, OpsFlow.Engine.Reports.FailureRecurrences recurrences, CancellationToken cancellationToken) =>
        details with
        {
            ApprovalPlans = await PlansAsync(details, definitions, cancellationToken),
            FailureHistory = await RecurrenceAsync(details, recurrences, cancellationToken),
        };

    private static async Task<OpsFlow.Engine.Reports.FailureRecurrence?> RecurrenceAsync(RunDetails details, OpsFlow.Engine.Reports.FailureRecurrences recurrences, CancellationToken cancellationToken)
    {
        if (details.Run.Status is not (RunStatus.Failed or RunStatus.RollingBack or RunStatus.RolledBack))
        {
            return null;
        }

        var failed = RunFailure.StepOf(details.Run, details.Steps);
        return failed is null ? null : await recurrences.OfAsync(details.Run, failed, cancellationToken);
    }

    /// <summary>The plan of each waiting approval; none when the run's code cannot be rebuilt (the decision is then taken on the current plan).</summary>
    private static async Task<IReadOnlyList<ApprovalPlan>> PlansAsync(RunDetails details, OpsFlow.Bot.Dashboard.RunGraphDefinitions definitions, CancellationToken cancellationToken)
    {
        var waiting = details.Steps.Where(s => s.Status == StepStatus.Waiting).ToArray();
        if (details.Run.Status != RunStatus.WaitingForApproval || waiting.Length == 0)
        {
            return [];
        }

        try
        {
            var definition = await definitions.GetAsync(details.Run, cancellationToken);
            return [.. waiting.Where(s => definition.Find(s.Name)?.Kind == StepKind.Approval).Select(s => ApprovalPlan.Of(definition, details.Run, s.Name))];
        }
        catch (Exception ex) when (ex is WorkflowDefinitionException or KeyNotFoundException or InvalidOperationException)
        {
            return [];
        }
    }
}
