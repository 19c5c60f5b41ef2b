using OpsFlow.Engine.Model;
namespace OpsFlow.Engine.Model;

/// <summary>Who has which role (section "OpsFlow:Access"). Roles map from user ids or UPNs (PRODUCT §10).</summary>
public sealed class AccessOptions
{
    /// <summary>The role of a user no assignment names. Default viewer: they can look, not act.</summary>
    public string DefaultRole { get; set; } = Model.Roles.Viewer;

    /// <summary>Role name → the user ids or UPNs that have it ("admin", "operator", or a custom one such as "ops-manager").</summary>
    public Dictionary<string, string[]> Roles { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>Turns an identity into an <see cref="Actor"/> with the roles configuration gives it.</summary>
public sealed class ActorDirectory(AccessOptions options)
{
    public Actor Resolve(string id, string? displayName = null, string? upn = null)
    {
        var roles = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { options.DefaultRole };
        foreach (var (role, members) in options.Roles)
        {
            if (members.Any(m => string.Equals(m, id, StringComparison.OrdinalIgnoreCase)
                || (upn is not null && string.Equals(m, upn, StringComparison.OrdinalIgnoreCase))))
            {
                roles.Add(role);
            }
        }

        return new Actor(id, string.IsNullOrWhiteSpace(displayName) ? id : displayName, roles, upn);
    }
}
