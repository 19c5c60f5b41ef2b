using OpsFlow.Engine.Model;

namespace OpsFlow.Teams.Cards;

/// <summary>
/// The run's own buttons, by its state (issue 21): Cancel while it is active, with Pause while it runs (the engine
/// pauses only a running run) or Resume while it is paused; Retry when it failed; Run again once it ended. Everyone sees them; the server decides who may press each (the roles of /pause, /cancel,
/// /retry and of starting the workflow) and answers a refusal to that person only.
/// </summary>
public static class RunCardControls
{
    public const string PauseVerb = "pause";
    public const string ResumeVerb = "resume";
    public const string CancelVerb = "cancel";
    public const string RetryVerb = "retry";
    public const string AgainVerb = "again";

    /// <summary>The id of the cancel reason input (not the reject reason's: ids are unique on a card).</summary>
    public const string CancelReasonInput = "cancelReason";

    public static IReadOnlyList<CardAction> Build(RunRecord run)
    {
        var data = new Dictionary<string, string> { ["runId"] = run.Id };
        return run.Status switch
        {
            RunStatus.Running => [Plain("Pause", PauseVerb, data), Cancel(data)],
            RunStatus.Pending or RunStatus.WaitingForApproval => [Cancel(data)],
            RunStatus.Paused => [Plain("Resume", ResumeVerb, data), Cancel(data)],
            RunStatus.Failed => [Plain("Retry", RetryVerb, data), Plain("Run again", AgainVerb, data)],
            RunStatus.Succeeded or RunStatus.RolledBack or RunStatus.Cancelled => [Plain("Run again", AgainVerb, data)],
            // Rolling back: the compensations must finish; nothing to offer until they have.
            _ => [],
        };
    }

    private static ExecuteAction Plain(string title, string verb, IReadOnlyDictionary<string, string> data) =>
        new(title, verb, data) { AssociatedInputs = "none" };

    private static ShowCardAction Cancel(IReadOnlyDictionary<string, string> data) => new("Cancel…", new AdaptiveCard
    {
        Body = [new InputText { Id = CancelReasonInput, Label = "Why cancel the run?", Placeholder = "The reason is recorded in the run's history", MaxLength = 500 }],
        Actions = [new ExecuteAction("Cancel run", CancelVerb, data) { Style = "destructive", AssociatedInputs = "auto" }],
        Teams = null,
    });
}
