using System.Net;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.InProcess;
using OpsFlow.Scripting.Api;

namespace OpsFlow.Bot.Tests;

/// <summary>
/// A workflow may start a program that outlives its run on purpose (a deploy starts the app it deployed). The test host
/// that ran it must stop it when it is disposed, or every `dotnet test` leaves such processes behind (`.ci/run` fails
/// on any process the suite started that is still running when it ends).
/// </summary>
[Trait(Categories.Name, Categories.Slow)]
public sealed class LeftoverProcessTests
{
    private sealed class DetachingFactory : OpsFlowFactory
    {
        public int? Started { get; private set; }

        protected override void AddWorkflows(InMemoryWorkflowCatalog catalog, IServiceProvider services)
        {
            base.AddWorkflows(catalog, services);
            var detach = new WorkflowBuilder("detach", "starts a program that outlives the run");
            detach.Step("start", ctx =>
            {
                Started = ctx.StartDetached("sleep", ["600"], Path.Combine(Folder, "workflow-data", "sleep.log"), workingDirectory: Folder);
            });
            catalog.Add(detach.Build());
        }
    }

    [Fact]
    public async Task HostFactory_Disposed_StopsTheProgramsItsWorkflowsLeftRunning()
    {
        int pid;
        string folder;
        using (var factory = new DetachingFactory())
        {
            var api = new ApiClient(factory.CreateClient(), factory.RunChanged);
            var (status, body) = await api.PostAsync("/api/runs", "olivia", new { workflow = "detach" });
            Assert.Equal(HttpStatusCode.Created, status);
            await api.WaitForStatusAsync(body.GetProperty("run").GetProperty("id").GetString()!, "Succeeded");
            pid = factory.Started ?? throw new InvalidOperationException("the step did not start its program");
            folder = factory.Folder;
            Assert.True(OwnedProcesses.In(folder).Any(p => p.Pid == pid), $"the detached program (pid {pid}) must run from the host's folder while the host lives");
        }

        Assert.True(OwnedProcesses.In(folder).Count == 0, $"processes still running from {folder} after the host was disposed: {string.Join("; ", OwnedProcesses.In(folder).Select(p => $"{p.Pid} {p.CommandLine}"))}");
        Assert.False(File.Exists($"/proc/{pid}/cmdline") && File.ReadAllText($"/proc/{pid}/cmdline").Contains("sleep", StringComparison.Ordinal), $"the detached program (pid {pid}) outlived its host");
    }
}
