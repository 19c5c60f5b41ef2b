using OpsFlow.Engine.Ports;
using OpsFlow.Scripting;

namespace OpsFlow.Bot.Api;

/// <summary>What workflows exist, how their script files stand, and the code a run used.</summary>
internal static class WorkflowEndpoints
{
    public static void MapWorkflowEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/workflows", (IWorkflowCatalog catalog) => Results.Ok(catalog.List()));
        // Broken scripts are visible here (and in the log) while the last good version stays in service.
        api.MapGet("/workflows/scripts", (ScriptWorkflowCatalog scripts) => Results.Ok(new
        {
            folder = scripts.Root,
            files = scripts.Files.Select(f => new
            {
                f.File,
                f.Workflow,
                f.Version,
                f.Ok,
                f.UsingLastGood,
                Problems = f.Problems.Select(p => p.ToString()),
            }),
        }));
        api.MapGet("/runs/{id}/source", SourceAsync);
    }

    /// <summary>The script a run started with: its hash and every file (docs/product.md §11).</summary>
    private static async Task<IResult> SourceAsync(string id, IRunStore runs, IDefinitionSnapshotStore snapshots, CancellationToken cancellationToken)
    {
        var run = await runs.GetRunAsync(id, cancellationToken);
        if (run is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"No run {id}. List runs with GET /api/runs.");
        }

        if (run.WorkflowVersion is not { } version || await snapshots.FindAsync(version, cancellationToken) is not { } snapshot)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"Run {id} ran the built-in workflow '{run.Workflow}', which has no script source.");
        }

        return Results.Ok(new { run = run.Id, snapshot.Workflow, snapshot.Version, snapshot.EntryPath, snapshot.Files, snapshot.SavedAt });
    }
}
