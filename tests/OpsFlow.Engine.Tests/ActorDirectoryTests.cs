using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Tests;

/// <summary>Roles from configuration (docs/product.md §10): by user id, Entra object id, UPN, or a named group.</summary>
public sealed class ActorDirectoryTests
{
    private static ActorDirectory Directory(Action<AccessOptions>? change = null)
    {
        var options = new AccessOptions
        {
            Roles =
            {
                [Roles.Operator] = ["user-id-0", "group:sre"],
                [Roles.Admin] = ["boss@contoso.com"],
                ["release-manager"] = ["group:leads", "0f1e-object-id"],
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
        Assert.Contains("release-manager", directory.Resolve("29:teams-id", objectId: "0f1e-object-id").Roles);
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
        var actor = Directory().Resolve("29:teams-id", "Kim", "kim@contoso.com", "0f1e-object-id");

        Assert.Equal("0f1e-object-id", actor.ObjectId);
        Assert.True(actor.Matches("0f1e-object-id"));
        Assert.True(actor.Matches("user:kim@contoso.com"));
        Assert.True(actor.Matches("29:teams-id"));
        Assert.False(actor.Matches("someone-else"));
    }

    [Fact]
    public void NamedUsers_ExpandsGroupsAndLeavesNoGroupEntries()
    {
        var users = Directory().NamedUsers();

        Assert.Equal(["0f1e-object-id", "boss@contoso.com", "kim@contoso.com", "user-id-0", "user-id-2", "user-id-5", "user-id-7"], users);
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
