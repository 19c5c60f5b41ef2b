using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Tests;

/// <summary>Roles from configuration (docs/product.md §10): by user id, Entra object id, UPN, or a named group.</summary>
public sealed class ActorDirectoryTests
{
    private const string ObjectId = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

    private static ActorDirectory Directory(Action<AccessOptions>? change = null)
    {
        var options = new AccessOptions
        {
            Roles =
            {
                [Roles.Operator] = ["user-id-0", "group:sre"],
                [Roles.Admin] = ["boss@contoso.com"],
                ["release-manager"] = ["group:leads", ObjectId],
            },
            Groups =
            {
                ["sre"] = ["user-id-2", "kim@contoso.com", "group:oncall"],
                ["oncall"] = ["user-id-5"],
                ["leads"] = ["group:leads", "user-id-7"],
            },
        };
        change?.Invoke(options);
        return new ActorDirectory(options);
    }

    [Fact]
    public void Resolve_AnUnnamedUser_HasOnlyTheDefaultRole()
    {
        var actor = Directory().Resolve("user-id-9", "Nobody");

        Assert.Equal([Roles.Viewer], actor.Roles);
        Assert.False(actor.HasRole(Roles.Operator));
    }

    [Theory]
    [InlineData("user-id-2", null)]
    [InlineData("user-id-x", "KIM@contoso.com")]
    [InlineData("user-id-5", null)]
    public void Resolve_AMemberOfAGroup_HasTheRolesThatNameTheGroup(string id, string? upn)
    {
        var actor = Directory().Resolve(id, upn: upn);

        Assert.True(actor.HasRole(Roles.Operator), $"{id} ({upn}) is in group sre (or in oncall, which sre includes), which has operator.");
        Assert.False(actor.HasRole(Roles.Admin));
    }

    [Fact]
    public void Resolve_AGroupThatNamesItself_EndsAndStillFindsItsMembers()
    {
        var directory = Directory();

        Assert.Contains("release-manager", directory.Resolve("user-id-7").Roles);
        Assert.DoesNotContain("release-manager", directory.Resolve("user-id-8").Roles);
    }

    [Fact]
    public void Resolve_ByUpnOrObjectId_GivesTheRolesThatNameThem()
    {
        var directory = Directory();

        Assert.True(directory.Resolve("29:teams-id", upn: "boss@contoso.com").HasRole(Roles.Admin));
        Assert.Contains("release-manager", directory.Resolve("29:teams-id", objectId: ObjectId).Roles);
    }

    [Theory]
    [InlineData("boss@contoso.com", null, null, "a user id that spells the boss's UPN")]
    [InlineData("BOSS@contoso.com", null, null, "the same, another case")]
    [InlineData(ObjectId, null, null, "a user id that spells an object id")]
    [InlineData("29:teams-id", null, "boss@contoso.com", "a UPN given as the object id")]
    [InlineData("29:teams-id", ObjectId, null, "an object id given as the UPN")]
    public void Resolve_ANameOfOneKindSentAsAnother_GivesNoRole(string id, string? upn, string? objectId, string why)
    {
        var actor = Directory().Resolve(id, upn: upn, objectId: objectId);

        Assert.True(actor.Roles.SetEquals([Roles.Viewer]), $"{why} must give no role, got {string.Join(", ", actor.Roles)}");
        Assert.False(actor.Matches("boss@contoso.com"), $"{why} must not match an approver entry of another kind");
        Assert.False(actor.Matches(ObjectId), $"{why} must not match an approver entry of another kind");
    }

    [Fact]
    public void Resolve_AnObjectIdInAnotherFormat_StillMatches()
    {
        Assert.Contains("release-manager", Directory().Resolve("29:teams-id", objectId: ObjectId.ToUpperInvariant()).Roles);
        Assert.Contains("release-manager", Directory().Resolve("29:teams-id", objectId: "{" + ObjectId + "}").Roles);
    }

    [Fact]
    public void Resolve_AnUnknownGroup_GivesNothing()
    {
        var actor = Directory(o => o.Roles[Roles.Admin] = ["group:missing"]).Resolve("user-id-2");

        Assert.False(actor.HasRole(Roles.Admin));
    }

    [Fact]
    public void Resolve_KeepsTheObjectId_SoApproverListsMayNameIt()
    {
        var actor = Directory().Resolve("29:teams-id", "Kim", "kim@contoso.com", ObjectId);

        Assert.Equal(ObjectId, actor.ObjectId);
        Assert.True(actor.Matches(ObjectId));
        Assert.True(actor.Matches("user:kim@contoso.com"));
        Assert.True(actor.Matches("29:teams-id"));
        Assert.False(actor.Matches("someone-else"));
    }

    [Fact]
    public void NamedUsers_ExpandsGroupsAndLeavesNoGroupEntries()
    {
        var users = Directory().NamedUsers();

        Assert.Equal([ObjectId, "boss@contoso.com", "kim@contoso.com", "user-id-0", "user-id-2", "user-id-5", "user-id-7"], users);
    }

    [Fact]
    public void NamesUpns_IsTrueOnlyWhenARoleOrGroupNamesSomeoneByUpn()
    {
        Assert.True(Directory().NamesUpns());
        Assert.False(Directory(o =>
        {
            o.Roles[Roles.Admin] = ["user-id-1"];
            o.Groups["sre"] = ["user-id-2"];
        }).NamesUpns());
    }
}
