namespace OpsFlow.Engine.Model;

/// <summary>
/// Someone (or something) acting on runs: a chat user, a dashboard user, a schedule, the engine itself.
/// The roles are resolved at the edge (chat, dashboard, API) from configuration; the engine only reads them.
/// </summary>
public sealed record Actor(string Id, string DisplayName, IReadOnlySet<string> Roles, string? Upn = null)
{
    public static Actor System { get; } = new("system", "OpsFlow", new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Model.Roles.Admin });

    /// <summary>The Entra object id when the channel gives one besides <see cref="Id"/> (Teams' aadObjectId).</summary>
    public string? ObjectId { get; init; }

    /// <summary>The entry point the actor came through (chat, api, dashboard, cli, schedule, system), for the audit log.</summary>
    public string Via { get; init; } = "system";

    /// <summary>Every id the channel vouched for: the channel id, the Entra object id, the UPN.</summary>
    public IReadOnlyList<string> Ids =>
        [.. new[] { Id, ObjectId, Upn }.OfType<string>().Where(i => i.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>True when any of this actor's ids is one of <paramref name="ids"/>: the same person, whichever channel they came through.</summary>
    public bool IsAnyOf(IEnumerable<string> ids) => ids.Any(other => Ids.Contains(other, StringComparer.OrdinalIgnoreCase));

    /// <summary>How the actor is written into history and audit lines.</summary>
    public string Label => string.Equals(Id, DisplayName, StringComparison.Ordinal) ? Id : $"{DisplayName} ({Id})";

    public bool HasRole(string role) =>
        Roles.Contains(role) || Model.Roles.Implied(role).Any(Roles.Contains);

    /// <summary>True when an approver entry ("role:x", a UPN, an object id or a user id) names this actor, by its kind (<see cref="IdentityNames"/>).</summary>
    public bool Matches(string approver)
    {
        if (approver.StartsWith("role:", StringComparison.OrdinalIgnoreCase))
        {
            return Roles.Contains(approver[5..]);
        }

        var name = approver.StartsWith("user:", StringComparison.OrdinalIgnoreCase) ? approver[5..] : approver;
        return IdentityNames.Names(name, Id, Upn, ObjectId);
    }
}

/// <summary>The built-in roles of docs/product.md §10. Each role includes the ones below it.</summary>
public static class Roles
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Admin = "admin";

    /// <summary>Roles that grant <paramref name="role"/> too (an admin may do what an operator may).</summary>
    public static IEnumerable<string> Implied(string role) => role switch
    {
        Viewer => [Operator, Admin],
        Operator => [Admin],
        _ => [],
    };
}
