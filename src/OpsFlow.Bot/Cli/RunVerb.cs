using OpsFlow.Bot.Hosting;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using Spectre.Console;

namespace OpsFlow.Bot.Cli;

/// <summary>
/// `opsflow run &lt;workflow&gt; args… [--as user]`: starts a run on the engine and database the server uses, then
/// watches it until it ends. Exit 0 when it succeeded, 1 otherwise, 2 for bad parameters.
/// </summary>
internal static class RunVerb
{
    /// <summary>Who asks when --as is not given: the local operator of appsettings.json.</summary>
    public const string DefaultUser = "local-operator";

    public static async Task<int> RunAsync(CliContext context, WorkflowCall call, string actAs)
    {
        if (!WorkflowArguments.TryBind(context, call, out var workflow, out var values))
        {
            return OpsFlowCommandLine.BadUsage;
        }

        var console = context.Console;
        var token = context.CancellationToken;
        var actor = context.Host.Get<ActorDirectory>().Resolve(actAs) with { Via = "cli" };
        var parameters = values.Values.ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.Ordinal);
        var result = await context.Host.Get<WorkflowEngine>().StartAsync(new StartRunRequest(workflow.Name, parameters, actor, "cli"), token);
        if (Refusal(console, result) is { } refused)
        {
            return refused;
        }

        var run = result switch
        {
            StartRunResult.Started started => started.Run,
            StartRunResult.Queued queued => queued.Run,
            _ => throw new InvalidOperationException($"Unexpected start result {result.GetType().Name}."),
        };
        console.MarkupLineInterpolated($"run [bold]{run.Id}[/] of {run.Workflow} (version {CliFormat.ShortHash(run.WorkflowVersion)}) requested by {actor.Label}");
        if (result is StartRunResult.Queued { HolderRunId: var holder })
        {
            console.MarkupLineInterpolated($"[blue]queued behind run {holder}, which holds the lock {run.LockKey}[/]");
        }

        var definition = await context.Host.Get<IWorkflowCatalog>().MaterializeAsync(run.Workflow, run.WorkflowVersion, values, token);
        var progress = new RunProgress(run, await context.Host.Get<IRunStore>().GetStepsAsync(run.Id, token));
        try
        {
            await new RunWatch(context, progress, new ApprovalDesk(context, definition)).WatchAsync();
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            console.MarkupLineInterpolated($"[yellow]Stopped watching run {run.Id} ({progress.Run.Status}). The run was not cancelled.[/]");
            console.MarkupLine("This process no longer drives it; the web host resumes it at its next start.");
            console.MarkupLineInterpolated($"Follow it with: opsflow show {run.Id}");
            return OpsFlowCommandLine.Failure;
        }

        return Summarize(context, progress);
    }

    private static int Summarize(CliContext context, RunProgress progress)
    {
        var console = context.Console;
        var run = progress.Run;
        var now = context.Host.Get<TimeProvider>().GetUtcNow();
        console.MarkupLine($"run [bold]{Markup.Escape(run.Id)}[/] {CliFormat.Status(run.Status)} in {DurationText.Between(run.StartedAt ?? run.CreatedAt, run.EndedAt, now)}");
        if (run.Error is not null)
        {
            console.MarkupLineInterpolated($"[red]error:[/] {run.Error}");
        }

        if (run.Status == RunStatus.Failed)
        {
            console.MarkupLine("[grey]a failed run waits for a person: retry it, skip the step, or cancel it, in chat or the dashboard.[/]");
        }

        console.MarkupLineInterpolated($"full details: opsflow show {run.Id}");
        foreach (var failed in progress.Steps.Where(s => s.Status is StepStatus.Failed or StepStatus.TimedOut or StepStatus.CompensationFailed))
        {
            console.MarkupLineInterpolated($"log of the failed step: opsflow show {run.Id} --log {failed.Name}");
        }

        return run.Status == RunStatus.Succeeded ? OpsFlowCommandLine.Success : OpsFlowCommandLine.Failure;
    }

    /// <summary>Prints why nothing started, with the exit code; null when a run was created.</summary>
    private static int? Refusal(IAnsiConsole console, StartRunResult result)
    {
        switch (result)
        {
            case StartRunResult.Started or StartRunResult.Queued:
                return null;
            case StartRunResult.InvalidParameters invalid:
                foreach (var error in invalid.Errors)
                {
                    console.MarkupLineInterpolated($"[red]parameter '{error.Parameter}'[/]: {error.Problem} [grey](example: {error.Parameter}={error.Example})[/]");
                }

                WorkflowArguments.WriteUsage(console, invalid.Workflow);
                return OpsFlowCommandLine.BadUsage;
            case StartRunResult.UnknownWorkflow unknown:
                console.MarkupLineInterpolated($"[red]there is no workflow '{unknown.Workflow}'; workflows: {string.Join(", ", unknown.Available)}[/]");
                return OpsFlowCommandLine.BadUsage;
            case StartRunResult.Forbidden { ByEmergencyStop: true } stopped:
                console.MarkupLineInterpolated($"[red]refused:[/] {stopped.Reason}");
                return OpsFlowCommandLine.Failure;
            case StartRunResult.Forbidden forbidden:
                console.MarkupLineInterpolated($"[red]refused:[/] {forbidden.Reason} Give another user with --as.");
                return OpsFlowCommandLine.Failure;
            case StartRunResult.LockHeld held:
                console.MarkupLineInterpolated($"[red]refused:[/] run {held.Holder.Id} of {held.Holder.RequestedByName} holds the lock {held.LockKey}; try again when it ends.");
                return OpsFlowCommandLine.Failure;
            case StartRunResult.InvalidDefinition invalid:
                console.MarkupLineInterpolated($"[red]workflow '{invalid.Workflow}' cannot run with these parameters:[/]");
                foreach (var problem in invalid.Problems)
                {
                    console.MarkupLineInterpolated($"  [red]{problem}[/]");
                }

                return OpsFlowCommandLine.Failure;
            case StartRunResult.Duplicate duplicate:
                console.MarkupLineInterpolated($"this request started run {duplicate.Run.Id} already: opsflow show {duplicate.Run.Id}");
                return OpsFlowCommandLine.Failure;
            default:
                throw new InvalidOperationException($"Unknown start result {result.GetType().Name}.");
        }
    }
}
