namespace OpsFlow.Engine.Model;

/// <summary>
/// How a name in configuration or a script (a role member, a group member, an approver) says whose it is, by its
/// kind: one with "@" is a UPN and matches only the UPN the channel's directory reports (Teams' connector, the
/// sign-in token); a GUID is an Entra object id and matches only the object id the channel vouches for; anything
/// else is a channel user id and matches only that id. A client that can choose its own user id (Web Chat, Direct
/// Line) can therefore never take a UPN's or an object id's rights by sending it as its id (docs/security.md).
/// </summary>
public static class IdentityNames
{
    public static bool Names(string entry, string id, string? upn, string? objectId)
    {
        if (entry.Contains('@', StringComparison.Ordinal))
        {
            return upn is not null && string.Equals(entry, upn, StringComparison.OrdinalIgnoreCase);
        }

        if (Guid.TryParse(entry, out var entryGuid))
        {
            return objectId is not null && Guid.TryParse(objectId, out var objectGuid) && entryGuid == objectGuid;
        }

        return string.Equals(entry, id, StringComparison.OrdinalIgnoreCase);
    }

    public static bool IsUpn(string name) => name.Contains('@', StringComparison.Ordinal);

    public static bool IsObjectId(string name) => Guid.TryParse(name, out _);
}
