using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using OpsFlow.Scripting.Api;

namespace OpsFlow.Bot.Tests.Security;

/// <summary>
/// A host configured with every kind of credential, as production is: the Teams app password, the sign-in client
/// secret, a database password and a script secret; and a variable of its own in its environment.
/// </summary>
public sealed class CredentialedFactory : OpsFlowFactory
{
    public const string AppPassword = "teams-app-password-1234";
    public const string ClientSecret = "entra-client-secret-5678";
    public const string DatabasePassword = "db-password-9012";
    public const string DeployToken = "deploy-token-3456";
    public const string HostVariable = "OPSFLOW_TEST_HOST_ONLY";

    public CredentialedFactory()
    {
        // The host runs in this process: a variable set here is in its environment, as the service manager's would be.
        Environment.SetEnvironmentVariable(HostVariable, "host-variable-7788");
        Directory.CreateDirectory(WorkflowsPath);
        File.WriteAllText(Path.Combine(WorkflowsPath, "leak.csx"), $$"""
            Workflow("leak", "Prints what a step's processes can see");
            var env = Step("env", ctx => ctx.Run("env", []));
            var echo = Step("echo", ctx => ctx.Run("echo", ["{{AppPassword}}", "{{ClientSecret}}", "{{DatabasePassword}}", ctx.Secret("deploy-token")])).After(env);
            Step("passed", ctx => ctx.Run("sh", ["-c", "echo passed=$PASSED"], environment: new Dictionary<string, string> { ["PASSED"] = "explicitly" })).After(echo);
            """);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("OpsFlow:Teams:AppId", "00000000-0000-0000-0000-000000000001");
        builder.UseSetting("OpsFlow:Teams:AppPassword", AppPassword);
        builder.UseSetting("OpsFlow:Auth:ClientSecret", ClientSecret);
        builder.UseSetting("ConnectionStrings:Inventory", $"Host=db.internal;Username=ops;Password={DatabasePassword}");
        builder.UseSetting("OpsFlow:Secrets:deploy-token", DeployToken);
    }
}

/// <summary>docs/security.md, "No secret out through a step": a step that prints its environment shows nothing of the host's.</summary>
public sealed class StepEnvironmentTests(CredentialedFactory factory) : IClassFixture<CredentialedFactory>
{
    private readonly ApiClient _api = new(factory.CreateClient(), factory.RunChanged);

    [Fact]
    public async Task AStepsProcess_GetsACleanEnvironment_AndEveryConfiguredCredentialIsMaskedInItsOutput()
    {
        var (status, body) = await _api.PostAsync("/api/runs", "olivia", new { workflow = "leak" });
        Assert.Equal(HttpStatusCode.Created, status);
        var id = body.GetProperty("run").GetProperty("id").GetString()!;
        await _api.WaitForStatusAsync(id, "Succeeded");

        var environment = await LogAsync(id, "env");
        var names = environment.Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith("$ ", StringComparison.Ordinal))
            .Select(l => l[..l.IndexOf('=', StringComparison.Ordinal)]).ToArray();
        Assert.Contains("PATH", names);
        var inherited = names.Where(n => !ProcessHelpers.InheritedVariables.Contains(n) && !n.StartsWith("LC_", StringComparison.Ordinal)).ToArray();
        Assert.True(inherited.Length == 0, $"the step's process saw the host's variables {string.Join(", ", inherited)}");
        Assert.DoesNotContain(environment, l => l.Contains("host-variable-7788", StringComparison.Ordinal));

        var echoed = Assert.Single(await LogAsync(id, "echo"), l => !l.StartsWith("$ ", StringComparison.Ordinal));
        Assert.Equal("*** *** *** ***", echoed);
        var everything = string.Join('\n', environment.Concat(await LogAsync(id, "echo")));
        foreach (var credential in new[] { CredentialedFactory.AppPassword, CredentialedFactory.ClientSecret, CredentialedFactory.DatabasePassword, CredentialedFactory.DeployToken })
        {
            Assert.DoesNotContain(credential, everything, StringComparison.Ordinal);
        }

        Assert.Contains("passed=explicitly", await LogAsync(id, "passed"));
    }

    private async Task<string[]> LogAsync(string runId, string step)
    {
        var (status, log) = await _api.GetAsync($"/api/runs/{runId}/steps/{step}/log");
        Assert.Equal(HttpStatusCode.OK, status);
        return [.. log.EnumerateArray().Select(l => l.GetProperty("text").GetString() ?? "")];
    }
}
