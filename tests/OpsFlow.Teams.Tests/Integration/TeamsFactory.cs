using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.InProcess;
using OpsFlow.Teams.Connector;
using OpsFlow.Teams.Tests.Connector;

namespace OpsFlow.Teams.Tests.Integration;

/// <summary>
/// The real host (see <see cref="OpsFlowFactory"/>: olivia and mark operate, mark is an ops-manager, ada is an
/// admin, anyone else a viewer) with the real connector client talking to <see cref="Connector"/>, a stand-in for
/// the Bot Connector that records every call. Adds workflows for chat: a failing one with a rollback, and an
/// approval with a short timeout.
/// </summary>
public class TeamsFactory : OpsFlowFactory
{
    public StubConnectorHandler Connector { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("OpsFlow:Playground:Enabled", "false");
        builder.UseSetting("OpsFlow:Teams:DashboardUrl", "https://opsflow.example.com");
        builder.ConfigureTestServices(services =>
            services.AddHttpClient<IConnectorClient, ConnectorClient>().ConfigurePrimaryHttpMessageHandler(() => Connector));
    }

    /// <summary>Posts an activity to /api/messages as the channel would.</summary>
    public async Task<HttpResponseMessage> PostActivityAsync(JsonObject activity) =>
        await CreateClient().PostAsync("/api/messages", JsonContent.Create(activity));

    protected override void AddWorkflows(InMemoryWorkflowCatalog catalog, IServiceProvider services)
    {
        base.AddWorkflows(catalog, services);
        // prepare succeeds and knows how to undo itself; migrate fails: the run rolls back prepare.
        var release = new WorkflowBuilder("release", "prepare, then a migration that fails")
            .Parameter(new ParameterDefinition("app", ParameterType.String) { Pattern = "^[a-z][a-z0-9-]{1,40}$", Example = "web-app" });
        var prepare = release.Step("prepare", ctx => ctx.Log("prepared")).Compensate(ctx => ctx.Log("unprepared"));
        release.Step("migrate", ctx =>
        {
            ctx.Log("applying 0042_orders.sql");
            ctx.Log("ERROR: relation \"orders\" already exists");
            throw new InvalidOperationException("migration 0042 failed: relation \"orders\" already exists");
        }).After(prepare);
        catalog.Add(release.Build());

        var quick = new WorkflowBuilder("quick-gate", "an approval that times out in a second");
        quick.Approval("gate").Approvers("role:ops-manager").Timeout(TimeSpan.FromSeconds(1));
        catalog.Add(quick.Build());
    }
}
