using OpsFlow.Bot.Api;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Dashboard;

/// <summary>
/// GET /api/runs/{id}/graph: a run's step graph (edges from DependsOn) as the run's own code and parameters
/// declare it, with what the caller may decide. Stored steps carry no edges, and a graph may depend on
/// parameters, so the definition is materialized the way recovery does it (and kept: <see cref="RunGraphDefinitions"/>).
/// </summary>
internal static class RunGraphEndpoint
{
    public static RouteHandlerBuilder MapRunGraph(this RouteGroupBuilder api) => api.MapGet("/runs/{id}/graph", GraphAsync);

    private static async Task<IResult> GraphAsync(
        string id, HttpContext http, IRunStore store, RunGraphDefinitions definitions, CallerResolver callers, CancellationToken cancellationToken)
    {
        var run = await store.GetRunAsync(id, cancellationToken);
        if (run is null)
        {
            return RunEndpoints.Problem(StatusCodes.Status404NotFound, $"There is no run '{id}'. GET /api/runs lists recent runs.");
        }

        WorkflowDefinition definition;
        try
        {
            definition = await definitions.GetAsync(run, cancellationToken);
        }
        catch (Exception ex) when (ex is WorkflowDefinitionException or KeyNotFoundException or InvalidOperationException)
        {
            // The page falls back to the stored steps in order; it says why there are no edges.
            return RunEndpoints.Problem(StatusCodes.Status409Conflict, $"The step graph of run {id} cannot be rebuilt: {ex.Message}");
        }

        var caller = callers.Resolve(http);
        var steps = await store.GetStepsAsync(id, cancellationToken);
        return Results.Ok(new
        {
            Run = run.Id,
            definition.AllowSelfApproval,
            Steps = definition.Steps.Select(step => new
            {
                step.Name,
                step.Kind,
                step.DependsOn,
                Approvers = step.Approval is null ? null : Approvers(step, steps),
                RequiredApprovals = step.Approval?.Required,
                MaxExtensions = step.Approval?.MaxExtensions,
                MaxAttempts = step.Retry?.MaxAttempts ?? 1,
                TimeoutSeconds = step.Timeout?.TotalSeconds,
                step.ContinueOnError,
                HasCompensation = step.Compensation is not null,
                MayDecide = step.Approval is not null && MayDecide(caller, run, definition, step, steps),
                // What approving lets happen, and the hash the dashboard's decision is bound to.
                Plan = step.Approval is not null && steps.Any(s => s.Name == step.Name && s.Status == StepStatus.Waiting)
                    ? OpsFlow.Engine.Execution.ApprovalPlan.Of(definition, run, step.Name)
                    : null,
            }),
        });
    }

    private static IReadOnlyList<string> Approvers(StepDefinition step, IReadOnlyList<StepRecord> steps) =>
        ApprovalRules.CurrentApprovers(step.Approval!, steps.FirstOrDefault(s => s.Name == step.Name)?.Escalated == true);

    /// <summary>The engine's own rule, to show the buttons; the engine still decides when one is pressed.</summary>
    private static bool MayDecide(Actor caller, RunRecord run, WorkflowDefinition definition, StepDefinition step, IReadOnlyList<StepRecord> steps) =>
        !ApprovalRules.IsSelfApproval(caller, run, definition.AllowSelfApproval)
        && ApprovalRules.IsApprover(caller, Approvers(step, steps));
}
