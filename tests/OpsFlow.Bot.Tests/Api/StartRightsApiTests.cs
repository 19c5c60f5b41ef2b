using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Tests.Api;

/// <summary>A host whose one workflow keeps some parameter values for admins (StartableBy in the script).</summary>
public sealed class StartRightsFactory : OpsFlowFactory
{
    public StartRightsFactory()
    {
        Directory.CreateDirectory(WorkflowsPath);
        File.WriteAllText(Path.Combine(WorkflowsPath, "purge.csx"), """
            Workflow("purge", "Deletes old copies");
            var keep = Param<int>("keep", "copies to keep", defaultValue: 7);
            StartableBy("role:admin", when: "keep<2");
            Step("delete", ctx => ctx.Log($"keeping {keep}"));
            """);
    }
}

/// <summary>
/// Start rights through the HTTP API and the dashboard (which calls the same API, saying so in a header): the same
/// refusal, recorded in the audit log with its entry point.
/// </summary>
public sealed class StartRightsApiTests(StartRightsFactory factory) : IClassFixture<StartRightsFactory>
{
    private readonly HttpClient _http = factory.CreateClient();

    private ApiClient Api => new(_http, factory.RunChanged);

    [Theory]
    [InlineData(null, "api")]
    [InlineData("dashboard", "dashboard")]
    public async Task StartRun_WithAValueTheScriptKeepsForAdmins_IsForbiddenForAnOperator_AndAudited(string? client, string via)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/runs") { Content = new StringContent("""{"workflow":"purge","parameters":{"keep":"1"}}""", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("X-OpsFlow-User", "olivia");
        if (client is not null)
        {
            request.Headers.Add("X-OpsFlow-Client", client);
        }

        using var response = await _http.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{response.StatusCode}: {body}");
        Assert.Contains("Starting purge with keep=1 is for role:admin only (rule at purge.csx:3)", body, StringComparison.Ordinal);
        var audit = await factory.Services.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery(Action: "start", Actor: "olivia"));
        Assert.Contains(audit, e => e.Event.Outcome == AuditOutcome.Forbidden && e.Event.Via == via && e.Event.Target == "purge");
    }

    [Fact]
    public async Task StartRun_WithAValueTheScriptKeepsForAdmins_StartsForAnAdmin()
    {
        var (status, body) = await Api.PostAsync("/api/runs", "ada", new { workflow = "purge", parameters = new { keep = "1" } });

        Assert.True(status == HttpStatusCode.Created, $"{status}: {body}");
    }

    [Fact]
    public async Task Workflows_ListsEachWorkflowsStartRules()
    {
        var (_, body) = await Api.GetAsync("/api/workflows");

        var rule = Assert.Single(body.EnumerateArray().Single(w => w.GetProperty("name").GetString() == "purge").GetProperty("startRules").EnumerateArray());
        Assert.Equal("keep<2", rule.GetProperty("when").GetString());
        Assert.Equal("role:admin", Assert.Single(rule.GetProperty("who").EnumerateArray()).GetString());
    }
}
