using System.Text.Json;
using OpsFlow.Engine.Execution;

namespace OpsFlow.Teams.Commands;

/// <summary>
/// An approval button as the run card sends it (`Action.Execute`): value.action.verb and value.action.data with
/// runId, step, round (the step's attempt when the card was drawn) and any card inputs, such as reason.
/// </summary>
internal sealed record CardAction(string Verb, string? RunId, string? Step, string? Round, string? Reason)
{
    /// <summary>The hash of the plan the card showed (<see cref="ApprovalPlan"/>); null on cards drawn before plans existed.</summary>
    public string? Plan { get; init; }

    /// <summary>The action, or a message saying what is missing from it.</summary>
    public static (CardAction? Action, string? Problem) Read(JsonElement? value)
    {
        if (value is not { ValueKind: JsonValueKind.Object } root
            || !root.TryGetProperty("action", out var action) || action.ValueKind != JsonValueKind.Object)
        {
            return (null, "This button sent no action. Use the buttons of an OpsFlow run card, or type /approve <run>.");
        }

        var verb = Text(action, "verb");
        var data = action.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
        if (string.IsNullOrWhiteSpace(verb))
        {
            return (null, "This button has no verb. Use the buttons of an OpsFlow run card, or type /approve <run>.");
        }

        return (new CardAction(verb.Trim().ToLowerInvariant(), Text(data, "runId"), Text(data, "step"), Text(data, "round"), Text(data, "reason") ?? Text(data, "cancelReason")) { Plan = Text(data, "plan") }, null);
    }

    /// <summary>The approval action a verb stands for, or null for a verb OpsFlow does not know.</summary>
    public ApprovalAction? Decision => Verb switch
    {
        "approve" => ApprovalAction.Approve,
        "reject" => ApprovalAction.Reject,
        "extend" => ApprovalAction.Extend,
        _ => null,
    };

    /// <summary>A data field as text: cards send strings, but a number is taken as written.</summary>
    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var field)
            ? field.ValueKind switch
            {
                JsonValueKind.String => string.IsNullOrWhiteSpace(field.GetString()) ? null : field.GetString()!.Trim(),
                JsonValueKind.Number => field.GetRawText(),
                _ => null,
            }
            : null;
}
