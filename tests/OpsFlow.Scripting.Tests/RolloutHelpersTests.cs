using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Scripting.Api;

namespace OpsFlow.Scripting.Tests;

/// <summary>One step over many nodes: batches, the failure budget, retries that skip done nodes, items on the record.</summary>
public sealed class RolloutHelpersTests
{
    private static readonly Node[] Web = [.. Enumerable.Range(1, 5).Select(i => new Node($"web-{i}", $"10.0.0.{i}", 22, "deploy", ["web"], new Dictionary<string, string>()))];

    private readonly Journal _journal = new();

    private EngineHarness Harness(HashSet<string> failing, int batchSize, int maxFailures)
    {
        var workflow = new WorkflowBuilder("rollout");
        workflow.Step("switch", ctx => ctx.ForEachNode(Web, node =>
        {
            _journal.Add(node.Name);
            return failing.Contains(node.Name) ? Task.FromException(new InvalidOperationException($"{node.Name} is unhealthy")) : Task.CompletedTask;
        }, batchSize, maxFailures: maxFailures));
        return new EngineHarness().Add(workflow.Build());
    }

    [Fact]
    public async Task ForEachNode_WithinTheFailureBudget_Succeeds_WithAWarningAndEveryNodesState()
    {
        await using var harness = Harness(["web-2"], batchSize: 2, maxFailures: 1);

        var run = await harness.StartAsync("rollout");
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);

        var step = await harness.StepAsync(run.Id, "switch");
        Assert.Equal(["Succeeded", "Failed", "Succeeded", "Succeeded", "Succeeded"], step.Items.Select(i => i.Status.ToString()));
        Assert.Equal("web-2 is unhealthy", step.Items[1].Error);
        Assert.Equal("1 of 5 nodes failed (web-2), within the 1 allowed", Assert.Single(step.Findings).Text);
        Assert.Equal("4 of 5 done, 1 failed", StepItem.Summary(step.Items));
    }

    [Fact]
    public async Task ForEachNode_OverTheBudget_StopsAfterTheBatch_AndARetryGoesOnWithTheNodesNotDone()
    {
        var failing = new HashSet<string> { "web-3" };
        await using var harness = Harness(failing, batchSize: 2, maxFailures: 0);

        var run = await harness.StartAsync("rollout");
        await harness.WaitForRunAsync(run.Id, RunStatus.Failed);
        var failed = await harness.StepAsync(run.Id, "switch");
        Assert.Equal(["Succeeded", "Succeeded", "Failed", "Succeeded", "Skipped"], failed.Items.Select(i => i.Status.ToString()));
        Assert.Equal("1 of 5 nodes failed (web-3), more than the 0 allowed; 1 node(s) were not touched: web-5", failed.Error);

        failing.Clear();
        Assert.Equal(Engine.Execution.CommandOutcome.Done, (await harness.Engine.SendAsync(run.Id, new Engine.Execution.RunCommand.Retry(EngineHarness.Alice))).Outcome);
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);

        Assert.Equal(["web-1", "web-2", "web-3", "web-4", "web-3", "web-5"], _journal.Entries);
        Assert.All((await harness.StepAsync(run.Id, "switch")).Items, i => Assert.Equal(ItemStatus.Succeeded, i.Status));
    }

    [Fact]
    public async Task ForEachNode_ANodeNeverReached_IsUnreachable_AndItsRollbackLeavesItAlone_ButOneThatDroppedAfterACommandIsRolledBack()
    {
        // web-2 refuses the connection outright; web-3 runs the first command and then drops.
        var fleet = new ScriptedFleet(Web[..3], (node, call) => node.Name switch
        {
            "web-2" => throw new NodeUnreachableException($"[{node.Name}] cannot reach {node.Host}:22: refused"),
            "web-3" when call > 1 => throw new NodeUnreachableException($"[{node.Name}] cannot reach {node.Host}:22: gone"),
            _ => 0,
        });
        using var folder = new ScriptFolder(fleet: fleet).Write("roll.csx", """
            Workflow("roll", "two commands a node, rolled back on failure");
            var web = Nodes();
            Step("switch", ctx => ctx.ForEachNode(web, async node =>
            {
                await Ssh(ctx, node, ["echo", "one"]);
                await Ssh(ctx, node, ["echo", "two"]);
            }, batchSize: 3))
            .Compensate(ctx => ctx.ForEachTouchedNode(web, node => Ssh(ctx, node, ["echo", "undo"])));
            """);
        await folder.Catalog.ReloadAsync();
        fleet.Calls.Clear();
        await using var harness = new EngineHarness(new InMemoryRunStore(), TimeProvider.System, folder.Catalog, within: TimeSpan.FromSeconds(30), endsAreFinal: true);

        var run = await harness.StartAsync("roll");
        await harness.WaitForRunAsync(run.Id, RunStatus.Failed);

        var step = await harness.StepAsync(run.Id, "switch");
        Assert.Equal(
            [("web-1", ItemStatus.Compensated), ("web-2", ItemStatus.Unreachable), ("web-3", ItemStatus.CompensationFailed)],
            step.Items.Select(i => (i.Name, i.Status)));
        Assert.DoesNotContain(fleet.Calls, c => c == "web-2 undo");
        Assert.Contains("web-3 undo", fleet.Calls);
        Assert.Equal("0 of 3 done, 1 unreachable, 1 rolled back, 1 failed to roll back", StepItem.Summary(step.Items));
    }

    /// <summary>A fleet whose answer per node and call number (1, 2, …) the test decides; it records "node word".</summary>
    private sealed class ScriptedFleet(IReadOnlyList<Node> nodes, Func<Node, int, int> answer) : IFleet
    {
        private readonly Dictionary<string, int> _counts = [];

        public List<string> Calls { get; } = [];

        public IReadOnlyList<Node> Select(IReadOnlyList<string> tags) => nodes;

        public Task<int> RunAsync(Node node, IReadOnlyList<string> command, Action<string> output, Action<string> errors, CancellationToken cancellationToken)
        {
            int call;
            lock (Calls)
            {
                call = _counts[node.Name] = _counts.GetValueOrDefault(node.Name) + 1;
                Calls.Add($"{node.Name} {command[^1]}");
            }

            return Task.FromResult(answer(node, call));
        }

        public Task UploadAsync(Node node, string localPath, string remotePath, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
