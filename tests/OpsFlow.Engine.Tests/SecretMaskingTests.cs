using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Tests;

public sealed class SecretMaskingTests
{
    private const string Token = "s3cr3t-t0ken-value";

    private sealed class Secrets : ISecretSource
    {
        public IReadOnlyCollection<string> Values => [Token, "abc"];

        public bool TryGet(string name, out string value)
        {
            value = name == "deploy-token" ? Token : "";
            return value.Length > 0;
        }
    }

    [Fact]
    public async Task Secret_InLogsOutputsAndErrors_IsMaskedEverywhereTheEngineRecordsIt()
    {
        await using var harness = new EngineHarness(secrets: new Secrets());
        var workflow = new WorkflowBuilder("leaky");
        workflow.Step("use", ctx =>
        {
            var token = ctx.Secret("deploy-token");
            ctx.Log($"calling the API with {token}");
            ctx.SetOutput("header", $"Bearer {token}");
            throw new InvalidOperationException($"the API refused {token}");
        });
        harness.Add(workflow.Build());

        var run = await harness.StartAsync("leaky");
        var failed = await harness.WaitForRunAsync(run.Id, RunStatus.Failed);
        var step = (await harness.Store.GetStepsAsync(run.Id)).Single();
        var log = await harness.Store.GetStepLogAsync(run.Id, "use");

        Assert.All(log, line => Assert.DoesNotContain(Token, line.Text, StringComparison.Ordinal));
        Assert.Contains(log, line => line.Text == "calling the API with ***");
        Assert.DoesNotContain(Token, step.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, failed.Error, StringComparison.Ordinal);
        Assert.Contains("the API refused ***", failed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secret_Unknown_FailsTheStepNamingTheSettingToAdd()
    {
        await using var harness = new EngineHarness(secrets: new Secrets());
        var workflow = new WorkflowBuilder("needs-secret");
        workflow.Step("use", ctx => ctx.Log(ctx.Secret("missing")));
        harness.Add(workflow.Build());

        var run = await harness.StartAsync("needs-secret");
        var failed = await harness.WaitForRunAsync(run.Id, RunStatus.Failed);

        Assert.Contains("OpsFlow:Secrets:missing", failed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Masker_ShortValues_AreLeftAloneSoLogsStayReadable() =>
        Assert.Equal("abc and ***", new Execution.SecretMasker(new Secrets()).Apply($"abc and {Token}"));
}
