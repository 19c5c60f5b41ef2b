using OpsFlow.Bot.Dashboard;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Tests.Api;

/// <summary>docs/security.md, "Bounds": the step graph of a run is declared once per script version and parameters, not per request.</summary>
public sealed class RunGraphDefinitionsTests
{
    private sealed class CountingCatalog : IWorkflowCatalog
    {
        private int _materialized;

        public int Materialized => _materialized;

        public IReadOnlyList<WorkflowDescriptor> List() => [];

        public WorkflowDescriptor? Find(string workflow) => null;

        public ValueTask<WorkflowDefinition> MaterializeAsync(string workflow, string? version, ParameterValues parameters, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _materialized);
            var builder = new WorkflowBuilder(workflow);
            builder.Step($"deploy-{parameters["env"]}", _ => { });
            return ValueTask.FromResult(builder.Build());
        }
    }

    private static RunRecord Run(string id, string env, long version = 1, string script = "v1") => new()
    {
        Id = id, Workflow = "deploy", WorkflowVersion = script, Status = RunStatus.Running, RequestedById = "olivia",
        RequestedByName = "Olivia", Trigger = "test", CreatedAt = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero),
        HistorySeq = 1, Version = version, Parameters = new Dictionary<string, string> { ["env"] = env },
    };

    [Fact]
    public async Task TheSameScriptAndParameters_AreDeclaredOnce_WhateverTheRunsVersion_AndAnyDifferenceIsDeclaredAgain()
    {
        var catalog = new CountingCatalog();
        using var definitions = new RunGraphDefinitions(catalog);

        var first = await definitions.GetAsync(Run("r1", "prod"), CancellationToken.None);
        for (var version = 2; version < 50; version++)
        {
            Assert.Same(first, await definitions.GetAsync(Run("r1", "prod", version), CancellationToken.None));
        }

        Assert.Equal(1, catalog.Materialized);
        Assert.Equal("deploy-dev", (await definitions.GetAsync(Run("r2", "dev"), CancellationToken.None)).Steps.Single().Name);
        await definitions.GetAsync(Run("r3", "prod", script: "v2"), CancellationToken.None);
        Assert.Equal(3, catalog.Materialized);
    }
}
