using OpsFlow.Scripting.Api;
using OpsFlow.Scripting.Api.Testing;

namespace OpsFlow.Scripting.Tests;

/// <summary>The nodes of `opsflow test`: what authors' tests of fleet workflows stand on.</summary>
public sealed class FakeFleetTests
{
    private readonly FakeFleet _fleet = new();

    [Fact]
    public void Select_NodesCarryingEveryTag_InNameOrder()
    {
        _fleet.Add("web-2", "web", "prod");
        _fleet.Add("web-1", "web", "prod");
        _fleet.Add("db-1", "db", "prod");
        _fleet.Add("web-3", "web", "dev");

        Assert.Equal(["web-1", "web-2"], _fleet.Select(["web", "prod"]).Select(n => n.Name));
        Assert.Equal(4, _fleet.Select([]).Count);
    }

    [Fact]
    public async Task RunAsync_TheNodesOwnRuleWins_ThenTheNewestFleetRule_AStarMatchesAnyOneArgument()
    {
        var web1 = _fleet.Add("web-1", "web");
        _fleet.Add("web-2", "web");
        _fleet.OnRun("sh", "-c", "*", "switch").Exits(0, "old");
        _fleet.OnRun("sh", "-c", "*", "switch").Exits(0, "newer");
        web1.OnRun("sh", "-c").Exits(3, errors: "disk full");

        var (code1, _, errors1) = await Run(web1.Node, ["sh", "-c", "ln -s …", "switch", "/srv/app"]);
        var (code2, output2, _) = await Run(_fleet["web-2"].Node, ["sh", "-c", "ln -s …", "switch", "/srv/app"]);

        Assert.Equal(3, code1);
        Assert.Equal(["disk full"], errors1);
        Assert.Equal(0, code2);
        Assert.Equal(["newer"], output2);
        Assert.Equal(["web-1", "web-2"], _fleet.NodesThatRan("sh", "-c", "*", "switch"));
    }

    [Fact]
    public async Task RunAsync_NothingDeclared_Exits127SayingWhatToDeclare()
    {
        var node = _fleet.Add("web-1", "web").Node;

        var (code, _, errors) = await Run(node, ["systemctl", "restart", "app"]);

        Assert.Equal(127, code);
        Assert.Contains("nothing fakes `systemctl restart app` on node web-1", errors.Single(), StringComparison.Ordinal);
        Assert.Contains("t.Nodes.OnRun(\"systemctl\")", errors.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAndUpload_ANodeThatIsDown_IsUnreachable_UntilItIsUpAgain()
    {
        var node = _fleet.Add("web-1", "web").Down();
        _fleet.OnRun("true").Exits(0);

        await Assert.ThrowsAsync<NodeUnreachableException>(() => Run(node.Node, ["true"]));
        await Assert.ThrowsAsync<NodeUnreachableException>(() => _fleet.UploadAsync(node.Node, "/etc/hostname", "/tmp/x", CancellationToken.None));

        node.Up();
        Assert.Equal(0, (await Run(node.Node, ["true"])).Code);
    }

    private async Task<(int Code, List<string> Output, List<string> Errors)> Run(Node node, string[] command)
    {
        var output = new List<string>();
        var errors = new List<string>();
        var code = await _fleet.RunAsync(node, command, output.Add, errors.Add, CancellationToken.None);
        return (code, output, errors);
    }
}
