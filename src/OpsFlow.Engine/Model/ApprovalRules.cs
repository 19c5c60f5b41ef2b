using OpsFlow.Engine.Definitions;

namespace OpsFlow.Engine.Model;

/// <summary>
/// Who may decide an approval (docs/product.md §6), in one place: the engine enforces it, clients use it to decide which
/// buttons to show.
/// </summary>
public static class ApprovalRules
{
    /// <summary>The approvers in force: the escalation list once the first deadline has passed.</summary>
    public static IReadOnlyList<string> CurrentApprovers(ApprovalPolicy policy, bool escalated) =>
        escalated ? policy.EscalateTo : policy.Approvers;

    /// <summary>
    /// Four-eyes: the requester may not decide their own run unless the workflow opts out. Any of the person's ids
    /// against any the run recorded of its requester counts, so a run started in Teams (by Teams id, with the Entra
    /// object id beside it) cannot be approved by its requester on the dashboard (by object id), nor the reverse.
    /// </summary>
    public static bool IsSelfApproval(Actor actor, RunRecord run, bool allowSelfApproval)
    {
        if (allowSelfApproval)
        {
            return false;
        }

        string[] requester = [run.RequestedById, .. run.RequestedByAliases];
        return new[] { actor.Id, actor.ObjectId, actor.Upn }
            .Any(id => !string.IsNullOrWhiteSpace(id) && requester.Contains(id, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>The actor's names besides its id, recorded with a run it requests.</summary>
    public static IReadOnlyList<string> Aliases(Actor actor) =>
        [.. new[] { actor.ObjectId, actor.Upn }.OfType<string>()
            .Where(a => a.Length > 0 && !string.Equals(a, actor.Id, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>Named approvers (users, UPNs, roles), or any operator when the step names none.</summary>
    public static bool IsApprover(Actor actor, IReadOnlyList<string> approvers) =>
        approvers.Count == 0 ? actor.HasRole(Roles.Operator) : approvers.Any(actor.Matches);
}
