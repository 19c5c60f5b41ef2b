using OpsFlow.Engine.Definitions;

namespace OpsFlow.Scripting.Tests;

/// <summary>Which parameters each step of a script reads (for changing a paused run's parameters), found in its source.</summary>
public sealed class ScriptParameterReadsTests : IDisposable
{
    private readonly ScriptFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private async Task<ParameterUse> ReadsOfAsync(string script)
    {
        _folder.Write("w.csx", script);
        var status = await _folder.LoadAsync("w.csx");
        Assert.True(status.Problems.Count == 0, string.Join("; ", status.Problems));
        return await _folder.Catalog.ParameterUseAsync("w", null);
    }

    private static string Describe(ParameterUse use, params string[] steps) =>
        string.Join(" | ", steps.Select(s => $"{s}: {(use.Of(s) is { } reads ? string.Join(",", reads.Order(StringComparer.Ordinal)) : "unknown")}"));

    [Fact]
    public async Task ParameterUse_FollowsVariablesFunctionsConditionsAndLaterChains()
    {
        var use = await ReadsOfAsync("""
            Workflow("w");
            var app = Param<string>("app");
            var version = Param<string>("version");
            var env = Param<string>("env", oneOf: ["dev", "prod"]);
            var batch = Param<int>("batch", defaultValue: 10);
            var drill = Param<bool>("drill", defaultValue: false);
            var home = Path.Combine("data", app, env);
            var release = Path.Combine(home, version);
            string Describe() => $"{app} at {release}";

            var build = Step("build", ctx => ctx.Log(release));
            var gate = Approval("gate").After(build).When(() => env == "prod").Message($"ship {version}?");
            var roll = Step("roll", ctx => ctx.Log(batch.ToString())).After(gate);
            roll.Compensate(ctx => ctx.Log(Describe()));
            Step("flags", ctx => ctx.Log(ctx.Parameters["drill"] + ctx.Parameters.GetInt("batch"))).After(roll);
            Branch(() => drill, () => Step("fail-on-purpose", ctx => ctx.Log("boom")).After(roll));
            if (batch > 5)
            {
                Step("big", ctx => ctx.Log("many")).After(roll);
            }

            Step("any", ctx => ctx.Log(ctx.Parameters[ctx.StepName])).After(roll);
            Step("none", ctx => ctx.Log("nothing")).After(roll);
            """);

        var all = new[] { "build", "gate", "roll", "flags", "fail-on-purpose", "big", "any", "none" };
        Assert.Equal(
            "build: app,env,version | gate: env,version | roll: app,batch,env,version | flags: batch,drill | fail-on-purpose: drill | big: batch | any: * | none: ",
            Describe(use, all));
        Assert.True(use.Reads("any", "version"), "a computed key reads every parameter");
        Assert.False(use.Reads("none", "version"), "a step that refers to no parameter reads none");
    }

    [Fact]
    public async Task ParameterUse_OfAScriptWithAComputedStepName_IsUnknown()
    {
        var use = await ReadsOfAsync("""
            Workflow("w");
            var hosts = Param<string>("hosts", defaultValue: "a,b");
            foreach (var host in hosts.Split(','))
            {
                Step($"ping-{host}", ctx => ctx.Log(host));
            }

            Step("report", ctx => ctx.Log("done"));
            """);

        Assert.Same(ParameterUse.Unknown, use);
        Assert.True(use.Reads("report", "hosts"), "unknown reads count as reading everything");
    }

    [Fact]
    public async Task ParameterUse_OfTheShippedDeploy_LetsDrillChangeAfterTheBuild_ButNotTheVersion()
    {
        using var shipped = new ScriptFolder(workflowsPath: ShippedWorkflowHarness.WorkflowsPath);
        await shipped.Catalog.ReloadAsync();

        var use = await shipped.Catalog.ParameterUseAsync("deploy", null);

        Assert.Equal(
            "build: app,env,version | prod-approval: app,env,version | start: app,drill,env",
            Describe(use, "build", "prod-approval", "start"));
    }
}
