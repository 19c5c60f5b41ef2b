using OpsFlow.Engine.Definitions;

namespace OpsFlow.Scripting.Tests;

public sealed class ScriptLoadingTests : IDisposable
{
    private const string Deploy = """
        Workflow("deploy", "Deploy an application to an environment");
        var app = Param<string>("app", "application name", pattern: "^[a-z][a-z0-9-]{1,40}$", example: "web-app");
        var env = Param<string>("env", oneOf: ["dev", "staging", "prod"]);
        var keep = Param<int>("keep", "releases to keep", defaultValue: 3);
        Lock($"{app}/{env}");
        var build = Step("build", ctx => ctx.SetOutput("artifact", $"{app}-{keep}"));
        var gate = Approval("prod-approval").After(build).When(() => env == "prod")
            .Approvers("role:ops-manager").Required(1).Message($"Deploy {app} to production");
        Checkpoint("pre-deploy").After(gate);
        Step("switch", async ctx => { await Task.Yield(); ctx.Log("switched"); }).After("pre-deploy");
        """;

    private readonly ScriptFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Reload_ValidScript_ListsWorkflowWithTypedParameters()
    {
        _folder.Write("deploy.csx", Deploy);

        var status = await _folder.LoadAsync("deploy.csx");

        Assert.True(status.Ok, string.Join("; ", status.Problems));
        var descriptor = Assert.Single(_folder.Catalog.List());
        Assert.Equal("deploy", descriptor.Name);
        Assert.Equal("Deploy an application to an environment", descriptor.Description);
        Assert.Equal(["app", "env", "keep"], descriptor.Parameters.Select(p => p.Name));
        Assert.Equal(ParameterType.Choice, descriptor.Parameters[1].Type);
        Assert.Equal(ParameterType.Int, descriptor.Parameters[2].Type);
        Assert.Equal("3", descriptor.Parameters[2].Default);
        Assert.Equal("web-app", descriptor.Parameters[0].Example);
        Assert.Equal(status.Version, descriptor.Version);
        Assert.Empty(descriptor.Schedules);
    }

    [Fact]
    public async Task Reload_ScheduleDeclared_IsPartOfTheDescriptorWithItsLine()
    {
        _folder.Write("nightly.csx", """
            Workflow("nightly");
            var keep = Param<int>("keep", defaultValue: 7);
            Schedule("0 2 * * *", timeZone: "Europe/Paris", args: ["keep=14"], conversation: "19:ops@thread.tacv2");
            Step("clean", ctx => ctx.Log($"keeping {keep}"));
            """);

        var status = await _folder.LoadAsync("nightly.csx");

        Assert.True(status.Ok, string.Join("; ", status.Problems));
        var schedule = Assert.Single(_folder.Catalog.Find("nightly")!.Schedules);
        Assert.Equal(("0 2 * * *", "Europe/Paris", "14", "19:ops@thread.tacv2"), (schedule.Cron, schedule.TimeZone, schedule.Parameters["keep"], schedule.Conversation));
        Assert.Equal(new SourceLocation("nightly.csx", 3), schedule.Source);
    }

    [Fact]
    public async Task Materialize_WithParameters_BindsValuesIntoTheGraph()
    {
        _folder.Write("deploy.csx", Deploy);
        await _folder.LoadAsync("deploy.csx");
        var values = new ParameterValues(new Dictionary<string, string> { ["app"] = "web-app", ["env"] = "prod", ["keep"] = "5" });

        var definition = await _folder.Catalog.MaterializeAsync("deploy", null, values);

        Assert.Equal("web-app/prod", definition.LockKey);
        Assert.Equal(["build", "prod-approval", "pre-deploy", "switch"], definition.Steps.Select(s => s.Name));
        var gate = definition.Find("prod-approval")!;
        Assert.Equal("Deploy web-app to production", gate.Approval!.Message);
        Assert.True(gate.Condition!(new ConditionContext(values, new Dictionary<string, IReadOnlyDictionary<string, string>>())), "the prod gate's condition must see env=prod");
        Assert.Equal(new SourceLocation("deploy.csx", 7), gate.Source);
    }

    [Fact]
    public async Task Reload_SharedCodeThroughLoad_CompilesAndHashesTheLoadedFile()
    {
        _folder.Write("lib/naming.csx", "static string ReleaseName(string app, string version) => $\"{app}-{version}\";");
        _folder.Write("release.csx", """
            #load "lib/naming.csx"
            Workflow("release");
            var app = Param<string>("app");
            Step("name", ctx => ctx.SetOutput("name", ReleaseName(app, "v1")));
            """);
        var first = await _folder.LoadAsync("release.csx");
        Assert.True(first.Ok, string.Join("; ", first.Problems));
        Assert.DoesNotContain(_folder.Catalog.Files, f => f.File.StartsWith("lib/", StringComparison.Ordinal));

        _folder.Write("lib/naming.csx", "static string ReleaseName(string app, string version) => $\"{app}_{version}\";");
        var second = await _folder.LoadAsync("release.csx");

        Assert.True(second.Ok, string.Join("; ", second.Problems));
        Assert.NotEqual(first.Version, second.Version);
        var snapshot = await _folder.Snapshots.FindAsync(first.Version!);
        Assert.Contains("lib/naming.csx", snapshot!.Files.Keys);
    }
}
