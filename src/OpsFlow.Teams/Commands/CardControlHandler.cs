using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Ports;
using OpsFlow.Teams.Cards;
using OpsFlow.Teams.Inbound;
using OpsFlow.Teams.Protocol;
using OpsFlow.Teams.Publishing;

namespace OpsFlow.Teams.Commands;

/// <summary>
/// The run card's own buttons (<see cref="RunCardControls"/>): Pause, Resume, Cancel and Retry go to the engine as the
/// typed commands do, so the same roles and states decide and a refusal is recorded in the run's history and the audit
/// log; Run again starts the workflow anew with the run's parameters (<see cref="RunAgain"/>), its card posted where
/// the button was pressed. The answer is the pressed card as it is now, carrying a notice for the person who pressed
/// when nothing was done, or where the new run is.
/// </summary>
internal sealed class CardControlHandler(ChatActors actors, WorkflowEngine engine, IRunStore store, IRunCards cards, ILogger<CardControlHandler> logger)
{
    public static bool Handles(string verb) =>
        verb is RunCardControls.PauseVerb or RunCardControls.ResumeVerb or RunCardControls.CancelVerb or RunCardControls.RetryVerb or RunCardControls.AgainVerb;

    public async Task<InvokeResponse> HandleAsync(Turn turn, CardAction action, CancellationToken cancellationToken)
    {
        if (action.RunId is not { } runId)
        {
            return InvokeResponse.Message("This button does not say which run it is for. Type /runs to find the run, then /pause, /resume, /cancel or /retry it.");
        }

        var actor = await actors.ResolveAsync(turn, deciding: false, cancellationToken);
        if (await store.GetRunAsync(runId, cancellationToken) is not { } run)
        {
            return InvokeResponse.Message($"There is no run '{runId}' any more; nothing was done. /runs lists recent runs.");
        }

        string? notice;
        if (action.Verb == RunCardControls.AgainVerb)
        {
            var activityId = turn.Activity.Id;
            var request = RunAgain.Request(run, actor, "chat", activityId is null ? null : $"card/{turn.Conversation.ConversationId}/{activityId}", turn.Conversation.ConversationId);
            notice = Started(await engine.StartAsync(request, cancellationToken), run.Id);
        }
        else
        {
            RunCommand command = action.Verb switch
            {
                RunCardControls.PauseVerb => new RunCommand.Pause(actor),
                RunCardControls.ResumeVerb => new RunCommand.Resume(actor),
                RunCardControls.RetryVerb => new RunCommand.Retry(actor),
                _ => new RunCommand.Cancel(actor, action.Reason ?? "cancelled from the run card"),
            };
            var result = await engine.SendAsync(runId, command, cancellationToken);
            notice = result.Outcome == CommandOutcome.Done ? null : $"Not done: {result.Message}";
        }

        CommandLog.CardControlPressed(logger, actor.Label, action.Verb, runId, notice ?? "done");
        var card = await cards.RenderAsync(runId, notice, cancellationToken);
        if (notice is null)
        {
            cards.Refresh(runId);
        }

        return card is null ? InvokeResponse.Message(notice ?? "Done.") : InvokeResponse.Card(card);
    }

    /// <summary>What the person who pressed Run again is told on the card they pressed.</summary>
    private static string Started(StartRunResult result, string runId) => result switch
    {
        StartRunResult.Started started => $"▶ Run {started.Run.Id} started with the parameters of run {runId}; its card follows.",
        StartRunResult.Queued queued => $"Run {queued.Run.Id} is queued with the parameters of run {runId}: run {queued.HolderRunId} holds its lock '{queued.Run.LockKey}'.",
        StartRunResult.Duplicate duplicate => $"This button already started run {duplicate.Run.Id}.",
        StartRunResult.LockHeld held => $"Not started: run {held.Holder.Id} holds the lock '{held.LockKey}'. Wait for it to end, then press Run again.",
        StartRunResult.UnknownWorkflow unknown => $"Not started: there is no workflow '{unknown.Workflow}' any more.",
        StartRunResult.InvalidParameters invalid => $"Not started: {invalid.Workflow.Name} no longer accepts these parameters ({string.Join("; ", invalid.Errors)}). Start it by command with new ones.",
        StartRunResult.InvalidDefinition bad => $"Not started: workflow '{bad.Workflow}' has problems: {string.Join("; ", bad.Problems)}.",
        StartRunResult.Forbidden forbidden => $"Not started: {forbidden.Reason}",
        _ => throw new InvalidOperationException($"Unknown start result {result.GetType().Name}."),
    };
}
