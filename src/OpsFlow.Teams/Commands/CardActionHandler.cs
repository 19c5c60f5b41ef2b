using System.Globalization;
using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Teams.Inbound;
using OpsFlow.Teams.Protocol;
using OpsFlow.Teams.Publishing;

namespace OpsFlow.Teams.Commands;

/// <summary>
/// The approval buttons of a run card (docs/product.md §6). A click on a card drawn for an earlier state of the step (it is
/// no longer waiting, or it waits in a later round) changes nothing: the person is told, and it is logged. Every
/// other click goes to the engine, which decides who may (approver list, four-eyes, one vote each) and records
/// refusals in the run's history. The answer is the run's card as it is now, with a notice when the click was
/// refused, so the pressed card catches up at once; then every posted card of the run is refreshed.
/// </summary>
internal sealed class CardActionHandler(ChatActors actors, WorkflowEngine engine, IRunStore store, IRunCards cards, IAuditLog audit, CardControlHandler controls, TimeProvider clock, ILogger<CardActionHandler> logger)
{
    public async Task<InvokeResponse> HandleAsync(Turn turn, CancellationToken cancellationToken)
    {
        var (action, problem) = CardAction.Read(turn.Activity.Value);
        if (action is null)
        {
            return InvokeResponse.Message(problem!);
        }

        if (CardControlHandler.Handles(action.Verb))
        {
            return await controls.HandleAsync(turn, action, cancellationToken);
        }

        if (action.Decision is not { } decision)
        {
            return InvokeResponse.Message($"OpsFlow does not know the button '{action.Verb}'. Use the buttons of a run card, or type /help.");
        }

        if (action.RunId is not { } runId || action.Step is not { } step)
        {
            return InvokeResponse.Message("This button does not say which run and step it is for. Type /approve <run> or /reject <run> instead.");
        }

        var actor = await actors.ResolveAsync(turn, deciding: true, cancellationToken);
        if (await store.GetRunAsync(runId, cancellationToken) is null)
        {
            return InvokeResponse.Message($"There is no run '{runId}' any more; nothing was done. /runs lists recent runs.");
        }

        var notice = await StaleAsync(action, runId, step, cancellationToken);
        string? result = null;
        if (notice is not null)
        {
            CommandLog.StaleCardAction(logger, actor.Label, action.Verb, runId, step, action.Round, notice);
            await RecordStaleAsync(actor, action, runId, step, notice, cancellationToken);
        }
        else
        {
            var decided = await engine.SendAsync(runId, new RunCommand.Decide(actor, step, decision, action.Reason) { PlanHash = action.Plan }, cancellationToken);
            result = decided.Message;
            notice = decided.Outcome == CommandOutcome.Done ? null : decided.Message;
            CommandLog.CardActionDecided(logger, actor.Label, action.Verb, runId, step, decided.Outcome);
        }

        var card = await cards.RenderAsync(runId, notice, cancellationToken);
        if (notice is null)
        {
            // A decision changed the run: every other card of it catches up. A refused or stale click changed nothing a
            // card shows; refreshing would overwrite, a moment later, the answer that tells this person why.
            cards.Refresh(runId);
        }

        return card is null ? InvokeResponse.Message(notice ?? result!) : InvokeResponse.Card(card);
    }

    /// <summary>A click on an out-of-date card never reaches the engine, so it is audited here (the engine audits the rest).</summary>
    private async Task RecordStaleAsync(Actor actor, CardAction action, string runId, string step, string notice, CancellationToken cancellationToken)
    {
        try
        {
            await audit.AppendAsync(new AuditEvent(clock.GetUtcNow(), action.Verb, AuditOutcome.Refused, actor.DisplayName, actor.Ids, actor.Via, runId,
                $"step {step}: stale card (round {action.Round ?? "?"}): {notice}"), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            CommandLog.AuditFailed(logger, ex, runId);
        }
    }

    /// <summary>Why the card is out of date, or null when it shows the step's current round waiting for a decision.</summary>
    private async Task<string?> StaleAsync(CardAction action, string runId, string stepName, CancellationToken cancellationToken)
    {
        var steps = await store.GetStepsAsync(runId, cancellationToken);
        var step = steps.FirstOrDefault(s => string.Equals(s.Name, stepName, StringComparison.Ordinal));
        if (step is null)
        {
            return $"This card is out of date: run {runId} has no step '{stepName}'. Nothing was changed.";
        }

        if (step.Status != StepStatus.Waiting)
        {
            return $"This card is out of date: '{stepName}' is {Words(step.Status)} now, no longer waiting for a decision. Nothing was changed.";
        }

        var round = step.Attempt.ToString(CultureInfo.InvariantCulture);
        return action.Round is { } shown && !string.Equals(shown, round, StringComparison.Ordinal)
            ? $"This card is out of date: it shows round {shown} of '{stepName}', which now waits in round {round}. Nothing was changed; use the current card."
            : null;
    }

    /// <summary>A status as words: TimedOut → "timed out".</summary>
    private static string Words(StepStatus status) =>
        string.Concat(status.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? $" {char.ToLowerInvariant(c)}" : char.ToLowerInvariant(c).ToString()));
}
