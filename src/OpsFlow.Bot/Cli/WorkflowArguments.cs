using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Ports;
using Spectre.Console;

namespace OpsFlow.Bot.Cli;

/// <summary>
/// The workflow and parameters of `run` and `plan`: the first positional names the workflow, the rest are its
/// arguments as chat takes them. Every problem is printed at once, with the usage line.
/// </summary>
internal static class WorkflowArguments
{
    public static bool TryBind(CliContext context, WorkflowCall call, out WorkflowDescriptor workflow, out ParameterValues values)
    {
        var console = context.Console;
        var catalog = context.Host.Get<IWorkflowCatalog>();
        workflow = null!;
        values = ParameterValues.Empty;
        if (call.Workflow is null)
        {
            console.MarkupLine("[red]name a workflow.[/]");
            WriteWorkflows(console, catalog);
            return false;
        }

        var found = catalog.Find(call.Workflow);
        if (found is null)
        {
            console.MarkupLineInterpolated($"[red]there is no workflow '{call.Workflow}'.[/]");
            WriteWorkflows(console, catalog);
            return false;
        }

        workflow = found;
        var parsed = ParameterArguments.Parse(found.Parameters, call.Arguments.ToArray());
        var errors = parsed.Errors.Concat(ParameterBinder.Bind(found.Parameters, parsed.Values, out values)).ToArray();
        if (errors.Length == 0)
        {
            return true;
        }

        foreach (var error in errors)
        {
            console.MarkupLineInterpolated($"[red]parameter '{error.Parameter}'[/]: {error.Problem} [grey](example: {error.Parameter}={error.Example})[/]");
        }

        WriteUsage(console, found);
        return false;
    }

    public static void WriteUsage(IAnsiConsole console, WorkflowDescriptor workflow)
    {
        console.MarkupLineInterpolated($"usage: opsflow run {ParameterArguments.Usage(workflow)}");
        foreach (var parameter in workflow.Parameters)
        {
            var description = string.IsNullOrWhiteSpace(parameter.Description) ? string.Empty : parameter.Description + "; ";
            console.MarkupLineInterpolated($"  [bold]{parameter.Name}[/]: {description}{parameter.Rule} (example: {parameter.Example})");
        }
    }

    private static void WriteWorkflows(IAnsiConsole console, IWorkflowCatalog catalog)
    {
        console.WriteLine("workflows:");
        foreach (var workflow in catalog.List())
        {
            console.MarkupLineInterpolated($"  {ParameterArguments.Usage(workflow)} [grey]{workflow.Description}[/]");
        }
    }
}
