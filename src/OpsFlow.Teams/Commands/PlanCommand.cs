using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Ports;
using OpsFlow.Teams.Cards;

namespace OpsFlow.Teams.Commands;

/// <summary>/plan &lt;workflow&gt; args…: a dry run (RunPlanner). Nothing executes, so anyone may ask.</summary>
internal sealed class PlanCommand(IWorkflowCatalog catalog, HelpReplies help, ChatReplies replies) : IChatCommand
{
    public string Name => "plan";

    public string Usage => "/plan <workflow> args…";

    public string Summary => "dry run: the steps that would run, in order, branches resolved";

    public async Task RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var turn = context.Turn;
        if (context.Arguments.Count == 0)
        {
            await help.SendOverviewAsync(turn, $"Usage: {Usage}: name the workflow to plan.", cancellationToken);
            return;
        }

        if (catalog.Find(context.Arguments[0]) is not { } workflow)
        {
            await help.SendOverviewAsync(turn, $"There is no workflow '{context.Arguments[0]}' to plan.", cancellationToken);
            return;
        }

        var parsed = ParameterArguments.Parse(workflow.Parameters, context.Arguments.Skip(1).ToArray());
        var errors = parsed.Errors.Concat(ParameterBinder.Bind(workflow.Parameters, parsed.Values, out var values)).ToArray();
        if (errors.Length > 0)
        {
            await replies.CardAsync(turn, UsageCard.Build(workflow, errors, "plan "), cancellationToken);
            return;
        }

        try
        {
            var definition = await catalog.MaterializeAsync(workflow.Name, null, values, cancellationToken);
            await replies.CardAsync(turn, PlanCard.Build(definition, values, RunPlanner.Plan(definition, values)), cancellationToken);
        }
        catch (WorkflowDefinitionException ex)
        {
            await replies.TextAsync(turn,
                $"Workflow '{ex.Workflow}' cannot be planned with these arguments; its definition has problems:\n\n{string.Join("\n", ex.Problems.Select(p => $"- {p}"))}\n\nFix the script or pick other arguments.",
                cancellationToken);
        }
    }
}
