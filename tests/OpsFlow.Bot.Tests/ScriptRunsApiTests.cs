using System.Net;

namespace OpsFlow.Bot.Tests;

/// <summary>A host whose workflows folder holds a good and a broken script.</summary>
public sealed class ScriptedFactory : OpsFlowFactory
{
    public ScriptedFactory()
    {
        Directory.CreateDirectory(WorkflowsPath);
        File.WriteAllText(Path.Combine(WorkflowsPath, "greet.csx"), """
            Workflow("greet", "Says hello");
            var who = Param<string>("who", "whom to greet", pattern: "^[a-z]+$", example: "ops");
            var loud = Param<bool>("loud", defaultValue: false);
            var hello = Step("hello", ctx => ctx.SetOutput("greeting", loud ? $"HELLO {who.ToUpperInvariant()}" : $"hello {who}"));
            Step("shout", ctx => ctx.Log(ctx.Output("hello", "greeting")!)).After(hello).When(() => loud);
            """);
        File.WriteAllText(Path.Combine(WorkflowsPath, "broken.csx"), "Workflow(\"broken\");\nStep(\"a\", ctx => { }).After(\"nowhere\");\n");
    }
}

/// <summary>Script workflows through the real host: started over the API, with their source recorded per run.</summary>
public sealed class ScriptRunsApiTests(ScriptedFactory factory) : IClassFixture<ScriptedFactory>
{
    private readonly ApiClient _api = new(factory.CreateClient(), factory.RunChanged);

    [Fact]
    public async Task StartRun_ScriptWorkflow_RunsAndRecordsTheScriptVersionAndSource()
    {
        var (status, body) = await _api.PostAsync("/api/runs", "olivia", new { workflow = "greet", parameters = new { who = "ops", loud = "yes" } });

        Assert.Equal(HttpStatusCode.Created, status);
        var id = body.GetProperty("run").GetProperty("id").GetString()!;
        var done = await _api.WaitForStatusAsync(id, "Succeeded");
        var version = done.GetProperty("run").GetProperty("workflowVersion").GetString();
        Assert.Matches("^[0-9a-f]{64}$", version);
        var (_, log) = await _api.GetAsync($"/api/runs/{id}/steps/shout/log");
        Assert.Contains(log.EnumerateArray(), l => l.GetProperty("text").GetString() == "HELLO OPS");

        var (sourceStatus, source) = await _api.GetAsync($"/api/runs/{id}/source");
        Assert.Equal(HttpStatusCode.OK, sourceStatus);
        Assert.Equal(version, source.GetProperty("version").GetString());
        Assert.Contains("Workflow(\"greet\"", source.GetProperty("files").GetProperty("greet.csx").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartRun_ParameterBreaksThePattern_Returns400NamingTheRuleAndAnExample()
    {
        var (status, body) = await _api.PostAsync("/api/runs", "olivia", new { workflow = "greet", parameters = new { who = "Ops Team" } });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var text = body.ToString();
        Assert.Contains("who", text, StringComparison.Ordinal);
        Assert.Contains("^[a-z]+$", text, StringComparison.Ordinal);
        Assert.Contains("who=ops", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scripts_BrokenFile_IsListedWithFileAndLine()
    {
        var (status, body) = await _api.GetAsync("/api/workflows/scripts");

        Assert.Equal(HttpStatusCode.OK, status);
        var broken = body.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("file").GetString() == "broken.csx");
        Assert.False(broken.GetProperty("ok").GetBoolean());
        Assert.Contains(broken.GetProperty("problems").EnumerateArray(), p => p.GetString()!.StartsWith("broken.csx:2:", StringComparison.Ordinal));
        var (_, workflows) = await _api.GetAsync("/api/workflows");
        Assert.Contains(workflows.EnumerateArray(), w => w.GetProperty("name").GetString() == "greet");
        Assert.DoesNotContain(workflows.EnumerateArray(), w => w.GetProperty("name").GetString() == "broken");
    }

    [Fact]
    public async Task Source_BuiltInWorkflowRun_Returns404SayingThereIsNoScript()
    {
        var (_, body) = await _api.PostAsync("/api/runs", "olivia", new { workflow = "selfcheck" });
        var id = body.GetProperty("run").GetProperty("id").GetString()!;

        var (status, problem) = await _api.GetAsync($"/api/runs/{id}/source");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("built-in", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
