using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.InProcess;

namespace OpsFlow.Teams.Tests.Commands;

/// <summary>The workflows the command tests use, built in code.</summary>
public static class Workflows
{
    public static void AddTo(InMemoryWorkflowCatalog catalog, Func<bool> flakyFails)
    {
        // deploy: one at a time (refused), a prod-only approval, and a declared schedule.
        var deploy = new WorkflowBuilder("deploy", "build, approve in prod, release")
            .Parameter(new ParameterDefinition("app") { Pattern = "^[a-z][a-z0-9-]*$", Example = "web-app", Description = "the app to deploy" })
            .Parameter(new ParameterDefinition("version") { Pattern = @"^v\d+(\.\d+)*$", Example = "v1.2" })
            .Parameter(new ParameterDefinition("env", ParameterType.Choice) { OneOf = ["dev", "prod"], Default = "dev" })
            .Lock("deploy")
            .Schedule(new ScheduleSpec("0 6 * * *", "Europe/Berlin", new Dictionary<string, string?> { ["app"] = "web-app", ["version"] = "v1.0" }, null));
        var build = deploy.Step("build", _ => { });
        deploy.Branch(c => c.Parameters["env"] == "prod", w => w.Approval("gate").After(build).Approvers("role:ops-manager"));
        deploy.Step("release", _ => { }).After("build", "gate");
        catalog.Add(deploy.Build());

        // gated: an approval by ops-managers that may be extended once.
        var gated = new WorkflowBuilder("gated", "build, approve, ship");
        var make = gated.Step("build", _ => { });
        var gate = gated.Approval("gate").After(make).Approvers("role:ops-manager").Extend(TimeSpan.FromHours(1));
        gated.Step("ship", _ => { }).After(gate);
        catalog.Add(gated.Build());

        // queued: a second run waits for the first to release the lock.
        var queued = new WorkflowBuilder("queued", "one at a time, in turn").Lock("queue", LockMode.Queue);
        queued.Approval("hold");
        catalog.Add(queued.Build());

        // flaky: fails while flakyFails says so, so it can be retried.
        var flaky = new WorkflowBuilder("flaky", "fails on demand");
        flaky.Step("work", _ =>
        {
            if (flakyFails())
            {
                throw new InvalidOperationException("disk full");
            }
        });
        flaky.Step("after", _ => { }).After("work");
        catalog.Add(flaky.Build());
    }
}
