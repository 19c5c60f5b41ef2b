using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Ports;
using OpsFlow.Teams.Cards;

namespace OpsFlow.Teams.Commands;

/// <summary>
/// `/&lt;workflow&gt; args…`: starts a run whose card goes to this conversation. The chat activity is the request
/// id, so Teams re-sending the same message starts nothing twice. A started run needs no answer here: the run
/// card the publisher posts is the answer.
/// </summary>
internal sealed class WorkflowStarter(WorkflowEngine engine, IWorkflowCatalog catalog, HelpReplies help, ChatReplies replies)
{
    public async Task StartAsync(CommandContext context, WorkflowDescriptor workflow, CancellationToken cancellationToken)
    {
        var turn = context.Turn;
        var parsed = ParameterArguments.Parse(workflow.Parameters, context.Arguments);
        if (!parsed.Ok)
        {
            // Placement problems and value problems together, so one answer lists everything to fix.
            var errors = parsed.Errors.Concat(ParameterBinder.Bind(workflow.Parameters, parsed.Values, out _)).ToArray();
            await replies.CardAsync(turn, UsageCard.Build(workflow, errors), cancellationToken);
            return;
        }

        var activityId = turn.Activity.Id;
        var request = new StartRunRequest(
            workflow.Name,
            parsed.Values,
            context.Actor,
            "chat",
            RequestId: activityId is null ? null : $"chat/{turn.Conversation.ConversationId}/{activityId}",
            ReplyTo: turn.Conversation.ConversationId);
        var result = await engine.StartAsync(request, cancellationToken);
        switch (result)
        {
            case StartRunResult.Started or StartRunResult.Duplicate:
                return;
            case StartRunResult.Queued queued:
                await replies.TextAsync(turn,
                    $"Run {queued.Run.Id} of {queued.Run.Workflow} is queued: run {queued.HolderRunId} holds its lock '{queued.Run.LockKey}'. It starts by itself after that run ends.",
                    cancellationToken);
                return;
            case StartRunResult.LockHeld held:
                await replies.TextAsync(turn,
                    $"Refused: run {held.Holder.Id} ({held.Holder.Workflow}, requested by {held.Holder.RequestedByName}) holds the lock '{held.LockKey}', and only one run may hold it. "
                    + $"Wait for it to end (/status {held.Holder.Id}) or ask an admin to cancel it, then try again.",
                    cancellationToken);
                return;
            case StartRunResult.UnknownWorkflow unknown:
                await help.UnknownAsync(turn, unknown.Workflow, cancellationToken);
                return;
            case StartRunResult.InvalidParameters invalid:
                await replies.CardAsync(turn, UsageCard.Build(invalid.Workflow, invalid.Errors), cancellationToken);
                return;
            case StartRunResult.InvalidDefinition invalid:
                await replies.TextAsync(turn,
                    $"Workflow '{invalid.Workflow}' cannot run with these arguments; its definition has problems:\n\n"
                    + string.Join("\n", invalid.Problems.Select(p => $"- {p}"))
                    + "\n\nFix the script (or pick other arguments), then try again.",
                    cancellationToken);
                return;
            case StartRunResult.Forbidden { ByEmergencyStop: true } stopped:
                await replies.TextAsync(turn, stopped.Reason, cancellationToken);
                return;
            case StartRunResult.Forbidden forbidden:
                await replies.TextAsync(turn, $"{forbidden.Reason} Ask an OpsFlow admin for the role, or ask someone who has it to start the run.", cancellationToken);
                return;
            default:
                throw new InvalidOperationException($"Unknown start result {result.GetType().Name}.");
        }
    }

    /// <summary>The workflow a command names, if any.</summary>
    public WorkflowDescriptor? Find(string name) => catalog.Find(name);
}
