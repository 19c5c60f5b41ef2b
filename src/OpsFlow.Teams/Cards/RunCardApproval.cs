using System.Globalization;
using OpsFlow.Engine.Model;

namespace OpsFlow.Teams.Cards;

/// <summary>
/// A waiting approval: its message, approvers, votes so far, deadline and the Universal Action buttons. Every
/// button carries the run, the step and the round (the step's attempt), so the server can refuse a stale card.
/// </summary>
public static class RunCardApproval
{
    public const string ApproveVerb = "approve";
    public const string RejectVerb = "reject";
    public const string ExtendVerb = "extend";
    /// <summary>The id of the reject reason input: its value arrives in the action's data under this name.</summary>
    public const string ReasonInput = "reason";

    public static IReadOnlyDictionary<string, string> Data(string runId, string step, int round, string? plan = null)
    {
        var data = new Dictionary<string, string>
        {
            ["runId"] = runId,
            ["step"] = step,
            ["round"] = round.ToString(CultureInfo.InvariantCulture),
        };
        if (plan is not null)
        {
            // The decision is bound to the plan this card shows: the engine refuses it if the plan changed since.
            data["plan"] = plan;
        }

        return data;
    }

    /// <summary>
    /// Only one approval per card gets the reason field, because input ids must be unique in a card; a second
    /// approval waiting at the same time is rejected without a reason (or with /reject).
    /// </summary>
    internal static Container Build(RunCardView view, StepView step, bool withReason)
    {
        var approval = step.Approval!;
        var record = step.Record;
        var approvedSoFar = record.Votes.Count(v => v.Approved);
        var items = new List<CardElement>
        {
            new TextBlock($"⏳ Approval needed: {step.Name}") { Weight = "bolder", Color = "warning" },
        };
        if (!string.IsNullOrWhiteSpace(approval.Message))
        {
            items.Add(new TextBlock(RunCardText.Trim(approval.Message, 500)) { Spacing = "small" });
        }

        var facts = new List<Fact>
        {
            new("Approvers", approval.Approvers.Count == 0 ? "any operator" : RunCardText.Trim(string.Join(", ", approval.Approvers), 300)),
            new("Approvals", $"{approvedSoFar} of {approval.Required}"),
        };
        if (record.Votes.Count > 0)
        {
            facts.Add(new Fact("Votes", RunCardText.Trim(string.Join(", ", record.Votes.Select(v => $"{v.ActorName} {(v.Approved ? "✓" : "✗")}")), 300)));
        }

        if (record.DueAt is { } due)
        {
            var left = due - view.Now;
            facts.Add(new Fact("Deadline", left > TimeSpan.Zero ? $"{RunCardText.Time(due)} (in {DurationText.Of(left)})" : RunCardText.Time(due)));
        }

        items.Add(new FactSet(facts));
        if (approval.Plan is { } plan)
        {
            items.AddRange(Plan(plan));
        }

        items.Add(new ActionSet(Buttons(view.Run.Id, step, withReason)));
        return new Container(items) { Style = "warning", Spacing = "medium" };
    }

    /// <summary>What approving lets run, with which parameters and code: what the approver decides on.</summary>
    private static IEnumerable<CardElement> Plan(OpsFlow.Engine.Execution.ApprovalPlan plan)
    {
        yield return new TextBlock("Approving lets this run:") { Weight = "bolder", Spacing = "small" };
        var steps = plan.Steps.Count == 0 ? "no step waits for this approval" : string.Join("\n", plan.Steps.Take(12).Select(s => $"- {s}"))
            + (plan.Steps.Count > 12 ? $"\n- …and {plan.Steps.Count - 12} more (see the dashboard)" : "");
        yield return new TextBlock(RunCardText.Trim(steps, 1200)) { Spacing = "none" };
        var parameters = plan.Parameters.Count == 0 ? "none" : string.Join(" ", plan.Parameters.Select(p => $"{p.Key}={p.Value}"));
        yield return new FactSet(
        [
            new Fact("Parameters", RunCardText.Trim(parameters, 300)),
            new Fact("Script", plan.WorkflowVersion is { Length: >= 12 } version ? version[..12] : plan.WorkflowVersion ?? "built in"),
            new Fact("Plan", plan.ShortHash),
        ]);
    }

    private static List<CardAction> Buttons(string runId, StepView step, bool withReason)
    {
        var data = Data(runId, step.Name, step.Record.Attempt, step.Approval?.Plan?.Hash);
        var reject = new ExecuteAction("Reject", RejectVerb, data) { Style = "destructive", AssociatedInputs = withReason ? "auto" : "none" };
        var buttons = new List<CardAction>
        {
            new ExecuteAction("Approve", ApproveVerb, data) { Style = "positive", AssociatedInputs = "none" },
            withReason
                ? new ShowCardAction("Reject…", new AdaptiveCard
                {
                    Body = [new InputText { Id = ReasonInput, Label = "Why reject?", Placeholder = "The reason is recorded with your vote", MaxLength = 500 }],
                    Actions = [reject],
                    Teams = null,
                })
                : reject,
        };
        if (step.Record.Extensions < step.Approval!.MaxExtensions)
        {
            buttons.Add(new ExecuteAction("Extend", ExtendVerb, data) { AssociatedInputs = "none" });
        }

        return buttons;
    }
}
