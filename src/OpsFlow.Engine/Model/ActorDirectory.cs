namespace OpsFlow.Engine.Model;

/// <summary>Who has which role (section "OpsFlow:Access"). Roles map from user ids, UPNs or groups (docs/product.md §10).</summary>
public sealed class AccessOptions
{
    /// <summary>The prefix of a role member that names a group of <see cref="Groups"/>: "group:sre".</summary>
    public const string GroupPrefix = "group:";

    /// <summary>The role of a user no assignment names. Default viewer: they can look, not act.</summary>
    public string DefaultRole { get; set; } = Model.Roles.Viewer;

    /// <summary>
    /// Role name → its members ("admin", "operator", or a custom one such as "ops-manager"): user ids, Entra object
    /// ids, UPNs, or "group:name" for everyone in a group.
    /// </summary>
    public Dictionary<string, string[]> Roles { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Named groups of people (user ids, object ids, UPNs, or "group:name" of another group), so a team is listed once.</summary>
    public Dictionary<string, string[]> Groups { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>Turns an identity into an <see cref="Actor"/> with the roles configuration gives it.</summary>
public sealed class ActorDirectory(AccessOptions options)
{
    /// <summary>
    /// The actor for a user: <paramref name="id"/> is who they are in the channel (a Teams user id, the dashboard's
    /// object id); <paramref name="upn"/> and <paramref name="objectId"/> are what the channel vouches for besides.
    /// Each configured name matches only the identity of its kind (<see cref="IdentityNames"/>).
    /// </summary>
    public Actor Resolve(string id, string? displayName = null, string? upn = null, string? objectId = null)
    {
        upn = string.IsNullOrWhiteSpace(upn) ? null : upn;
        objectId = string.IsNullOrWhiteSpace(objectId) ? null : objectId;
        var roles = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { options.DefaultRole };
        foreach (var (role, members) in options.Roles)
        {
            if (members.Any(m => Names(m, id, upn, objectId, [])))
            {
                roles.Add(role);
            }
        }

        return new Actor(id, string.IsNullOrWhiteSpace(displayName) ? id : displayName, roles, upn) { ObjectId = objectId };
    }

    /// <summary>Every user the role configuration names, groups expanded (the dashboard's development user picker).</summary>
    public IReadOnlyList<string> NamedUsers() =>
        options.Roles.Values.SelectMany(members => members.SelectMany(m => Expand(m, [])))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>
    /// The people an approver list names, each once: "role:x" becomes the role's members, "user:x" the name itself, and
    /// groups are expanded. Names keep their kind (user id, object id, UPN; <see cref="IdentityNames"/>).
    /// </summary>
    public IReadOnlyList<string> People(IEnumerable<string> approvers) =>
        approvers
            .SelectMany(a => a.StartsWith("role:", StringComparison.OrdinalIgnoreCase)
                ? options.Roles.TryGetValue(a[5..], out var members) ? members : []
                : [a.StartsWith("user:", StringComparison.OrdinalIgnoreCase) ? a[5..] : a])
            .SelectMany(m => Expand(m, []))
            .Select(p => p.Trim())
            .Where(p => p.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();

    /// <summary>True when any role or group names someone by UPN: then chat must learn each user's UPN.</summary>
    public bool NamesUpns() =>
        options.Roles.Values.Concat(options.Groups.Values).Any(members => members.Any(IdentityNames.IsUpn));

    /// <summary>Whether a member entry names this identity; <paramref name="seen"/> stops group cycles.</summary>
    private bool Names(string member, string id, string? upn, string? objectId, HashSet<string> seen) =>
        TryGroup(member, out var group)
            ? seen.Add(group) && options.Groups.TryGetValue(group, out var members) && members.Any(m => Names(m, id, upn, objectId, seen))
            : IdentityNames.Names(member, id, upn, objectId);

    private string[] Expand(string member, HashSet<string> seen) =>
        TryGroup(member, out var group)
            ? seen.Add(group) && options.Groups.TryGetValue(group, out var members) ? members.SelectMany(m => Expand(m, seen)).ToArray() : []
            : [member];

    private static bool TryGroup(string member, out string group)
    {
        var isGroup = member.StartsWith(AccessOptions.GroupPrefix, StringComparison.OrdinalIgnoreCase);
        group = isGroup ? member[AccessOptions.GroupPrefix.Length..].Trim() : string.Empty;
        return isGroup;
    }
}
