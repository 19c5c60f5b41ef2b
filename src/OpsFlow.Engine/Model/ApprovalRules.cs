using OpsFlow.Engine.Definitions;

namespace OpsFlow.Engine.Model;

/// <summary>
/// Who may decide an approval (PRODUCT §6), in one place: the engine enforces it, clients use it to decide which
/// buttons to show.
/// </summary>
public static class ApprovalRules
{
    /// <summary>The approvers in force: the escalation list once the first deadline has passed.</summary>
    public static IReadOnlyList<string> CurrentApprovers(ApprovalPolicy policy, bool escalated) =>
        escalated ? policy.EscalateTo : policy.Approvers;

    /// <summary>
    /// Four-eyes: the requester may not decide their own run unless the workflow opts out. Any of the person's ids
    /// counts, so a run started from the dashboard (by Entra object id) cannot be approved by its requester in Teams.
    /// </summary>
    public static bool IsSelfApproval(Actor actor, string requestedById, bool allowSelfApproval) =>
        !allowSelfApproval && new[] { actor.Id, actor.ObjectId, actor.Upn }.Any(id => string.Equals(id, requestedById, StringComparison.OrdinalIgnoreCase));

    /// <summary>Named approvers (users, UPNs, roles), or any operator when the step names none.</summary>
    public static bool IsApprover(Actor actor, IReadOnlyList<string> approvers) =>
        approvers.Count == 0 ? actor.HasRole(Roles.Operator) : approvers.Any(actor.Matches);
}
