using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Ports;
using OpsFlow.Scripting;
using Spectre.Console;

namespace OpsFlow.Bot.Cli;

/// <summary>`opsflow plan &lt;workflow&gt; args…`: the run planner's dry run as a table. Nothing executes.</summary>
internal static class PlanVerb
{
    public static async Task<int> RunAsync(CliContext context, WorkflowCall call)
    {
        if (!WorkflowArguments.TryBind(context, call, out var workflow, out var values))
        {
            return OpsFlowCommandLine.BadUsage;
        }

        var console = context.Console;
        WorkflowDefinition definition;
        try
        {
            definition = await context.Host.Get<IWorkflowCatalog>().MaterializeAsync(workflow.Name, null, values, context.CancellationToken);
        }
        catch (WorkflowDefinitionException ex)
        {
            console.MarkupLineInterpolated($"[red]workflow '{ex.Workflow}' cannot be planned with these parameters:[/]");
            foreach (var problem in ex.Problems)
            {
                console.MarkupLineInterpolated($"  [red]{problem}[/]");
            }

            return OpsFlowCommandLine.Failure;
        }

        var plan = RunPlanner.Plan(definition, values);
        var root = context.Host.Get<ScriptWorkflowCatalog>().Root;
        var parameters = string.Join(' ', values.Values.Select(p => $"{p.Key}={p.Value}"));
        console.MarkupLineInterpolated($"[bold]plan of {definition.Name}[/] {parameters} [grey](version {CliFormat.ShortHash(definition.Descriptor.Version)}; steps in the same wave may run in parallel)[/]");
        var table = new Table()
            .AddColumn("#").AddColumn("wave").AddColumn("step").AddColumn("kind").AddColumn("decision").AddColumn("note").AddColumn("declared at");
        foreach (var step in plan)
        {
            table.AddRow(
                new Text(step.Order.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Text(step.Wave.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Text(step.Step.Name),
                new Text(step.Step.Kind.ToString()),
                new Markup(Decision(step.Decision)),
                new Text(step.Note),
                new Text(step.Step.Source is { } source ? $"{CliFormat.ScriptPath(root, source.File)}:{source.Line}" : "-"));
        }

        console.Write(table);
        var runs = plan.Count(s => s.Decision == PlanDecision.Runs);
        var skipped = plan.Count(s => s.Decision == PlanDecision.Skipped);
        var later = plan.Count(s => s.Decision == PlanDecision.DecidedAtRunTime);
        console.MarkupLineInterpolated($"{runs} step(s) run, {skipped} skipped, {later} decided at run time. Nothing was executed.");
        return OpsFlowCommandLine.Success;
    }

    private static string Decision(PlanDecision decision) => decision switch
    {
        PlanDecision.Runs => "[green]runs[/]",
        PlanDecision.Skipped => "[grey]skipped[/]",
        _ => "[darkorange]decided at run time[/]",
    };
}
