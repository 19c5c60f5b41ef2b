using System.Collections.Concurrent;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.InProcess;

namespace OpsFlow.Dashboard.Tests;

/// <summary>
/// The host factory on Kestrel (a browser cannot reach TestServer), development mode, with the dashboard's own test
/// workflows in place of the standard ones. Steps of "stepped" wait for the test.
/// </summary>
public sealed class DashboardHost : OpsFlowFactory
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();

    public DashboardHost()
        : base("opsflow-dashboard-tests") => StartKestrel();

    /// <summary>Two nodes in configuration, for the nodes page.</summary>
    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("OpsFlow:Fleet:Nodes:web-1:Host", "10.0.0.11");
        builder.UseSetting("OpsFlow:Fleet:Nodes:web-1:User", "deploy");
        builder.UseSetting("OpsFlow:Fleet:Nodes:web-1:Tags:0", "web");
        builder.UseSetting("OpsFlow:Fleet:Nodes:web-1:Tags:1", "prod");
        builder.UseSetting("OpsFlow:Fleet:Nodes:db-1:Host", "10.0.0.21");
        builder.UseSetting("OpsFlow:Fleet:Nodes:db-1:Port", "2222");
        builder.UseSetting("OpsFlow:Fleet:Nodes:db-1:User", "postgres");
        builder.UseSetting("OpsFlow:Fleet:Nodes:db-1:Tags:0", "db");
        builder.UseSetting("OpsFlow:Fleet:Nodes:db-1:Tags:1", "prod");
    }

    /// <summary>Lets step <paramref name="step"/> of the "stepped" run started with key=<paramref name="key"/> finish.</summary>
    public void Release(string key, string step) => Gate(key, step).TrySetResult();

    /// <summary>Lets every step waiting on a gate finish.</summary>
    public void ReleaseAll()
    {
        foreach (var gate in _gates.Values)
        {
            gate.TrySetResult();
        }
    }

    private TaskCompletionSource Gate(string key, string step) =>
        _gates.GetOrAdd($"{key}/{step}", _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    protected override void AddWorkflows(InMemoryWorkflowCatalog catalog, IServiceProvider services)
    {
        catalog.Add(Gated(envDescription: "where to deploy"));

        var key = new ParameterDefinition("key") { Description = "names the test's gates" };
        var stepped = new WorkflowBuilder("stepped", "two steps in a row, each waiting for the test").Parameter(key);
        var first = stepped.Step("first", async ctx =>
        {
            ctx.Log("first is waiting for the test");
            await Gate(ctx.Parameters["key"], "first").Task.WaitAsync(ctx.CancellationToken);
        });
        stepped.Step("second", async ctx => await Gate(ctx.Parameters["key"], "second").Task.WaitAsync(ctx.CancellationToken)).After(first);
        stepped.Step("side", ctx => ctx.Log("side ran")).After(first);
        catalog.Add(stepped.Build());

        // Used only by the reports test, so their numbers are known exactly.
        var tally = new WorkflowBuilder("tally", "always succeeds");
        tally.Step("count", ctx => ctx.Log("counted"));
        catalog.Add(tally.Build());
        // What a run found, and whether a failure is new: each its own workflow, so no other test's numbers move.
        var checks = new WorkflowBuilder("checks", "finds a full disk");
        checks.Step("disk", ctx =>
        {
            ctx.Finding(FindingLevel.Ok, "/ 40% used");
            ctx.Finding(FindingLevel.Warning, "/data 93% used, over 90%");
            // As ctx.Run reports a process it ran (df, say).
            ctx.AddProcessUse(new ProcessUse(TimeSpan.FromMilliseconds(1_250), 52_428_800));
        });
        catalog.Add(checks.Build());
        var brittle = new WorkflowBuilder("brittle", "cannot reach its database").Parameter(new ParameterDefinition("host"));
        brittle.Step("connect", ctx => throw new TimeoutException($"connect to {ctx.Parameters["host"]}:5432 timed out"));
        catalog.Add(brittle.Build());

        // Its parameters can change while it is paused after "first": "second" alone reads note.
        var tuned = new WorkflowDescriptor("tuned", "waits, then logs its note", [key, new ParameterDefinition("note") { Default = "none" }]);
        catalog.Add(tuned, values =>
        {
            var w = new WorkflowBuilder("tuned", tuned.Description).Parameter(tuned.Parameters[0]).Parameter(tuned.Parameters[1]);
            var waits = w.Step("first", async ctx => await Gate(values["key"], "first").Task.WaitAsync(ctx.CancellationToken));
            w.Step("second", ctx => ctx.Log($"note: {values["note"]}")).After(waits);
            return w.Build();
        }, new ParameterUse(new Dictionary<string, IReadOnlySet<string>>
        {
            ["first"] = new HashSet<string> { "key" },
            ["second"] = new HashSet<string> { "note" },
        }));

        var broken = new WorkflowBuilder("broken", "always fails");
        broken.Step("write", _ => throw new IOException("disk full"));
        catalog.Add(broken.Build());
    }

    protected override void Dispose(bool disposing)
    {
        ReleaseAll();
        base.Dispose(disposing);
    }
}
