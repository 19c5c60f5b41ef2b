using System.Net;
using System.Text.Json;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.InProcess;

namespace OpsFlow.Bot.Tests;

/// <summary>"tunable": prepare, an ops-manager's approval, roll (waits for the test), verify (reads checks).</summary>
public sealed class TunableFactory : OpsFlowFactory
{
    public TaskCompletionSource RollGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override void AddWorkflows(InMemoryWorkflowCatalog catalog, IServiceProvider services)
    {
        base.AddWorkflows(catalog, services);
        var descriptor = new WorkflowDescriptor("tunable", "prepare, approve, roll, verify",
            [new ParameterDefinition("app"), new ParameterDefinition("checks", ParameterType.Int) { Default = "1" }]);
        var reads = new ParameterUse(new Dictionary<string, IReadOnlySet<string>>
        {
            ["prepare"] = new HashSet<string> { "app" },
            ["gate"] = new HashSet<string> { "app" },
            ["roll"] = new HashSet<string> { "app" },
            ["verify"] = new HashSet<string> { "checks" },
        });
        catalog.Add(descriptor, values =>
        {
            var checks = values.GetInt("checks");
            var w = new WorkflowBuilder("tunable", descriptor.Description);
            foreach (var parameter in descriptor.Parameters)
            {
                w.Parameter(parameter);
            }

            var prepare = w.Step("prepare", ctx => ctx.Log($"prepared {values["app"]}"));
            var gate = w.Approval("gate").After(prepare).Approvers("role:ops-manager");
            var roll = w.Step("roll", _ => RollGate.Task).After(gate);
            w.Step("verify", ctx => ctx.Log($"ran {checks} checks")).After(roll);
            return w.Build();
        }, reads);
    }
}

/// <summary>POST /api/runs/{id}/parameters through the real host: an admin changes a paused run and its approval asks again.</summary>
public sealed class ParameterChangeApiTests(TunableFactory factory) : IClassFixture<TunableFactory>
{
    private readonly ApiClient _api = new(factory.CreateClient(), factory.RunChanged);

    [Fact]
    public async Task ChangingAPausedRunsParameters_AsksItsApprovalAgain_AndTheRestRunsWithTheNewValue()
    {
        var (started, body) = await _api.PostAsync("/api/runs", "olivia", new { workflow = "tunable", parameters = new { app = "web" } });
        Assert.True(started == HttpStatusCode.Created, body.ToString());
        var id = body.GetProperty("run").GetProperty("id").GetString()!;
        await _api.WaitForStatusAsync(id, "WaitingForApproval");
        Assert.Equal(HttpStatusCode.OK, (await _api.PostAsync($"/api/runs/{id}/approvals", "mark", new { decision = "approve" })).Status);
        await Wait.ForAsync(() => StepStatusAsync(id, "roll"), s => s == "Running", "roll to start", factory.RunChanged);
        Assert.Equal(HttpStatusCode.OK, (await _api.PostAsync($"/api/runs/{id}/pause", "olivia")).Status);
        factory.RollGate.SetResult();
        await Wait.ForAsync(() => StepStatusAsync(id, "roll"), s => s == "Succeeded", "roll to end", factory.RunChanged);
        await _api.WaitForStatusAsync(id, "Paused");

        var empty = await _api.PostAsync($"/api/runs/{id}/parameters", "ada", new { reason = "nothing" });
        var byOperator = await _api.PostAsync($"/api/runs/{id}/parameters", "olivia", new { parameters = new { checks = "3" } });
        var readAlready = await _api.PostAsync($"/api/runs/{id}/parameters", "ada", new { parameters = new { app = "api" } });
        var (status, answer) = await _api.PostAsync($"/api/runs/{id}/parameters", "ada", new { parameters = new { checks = "3" }, reason = "one check is not enough" });

        Assert.Equal(HttpStatusCode.BadRequest, empty.Status);
        Assert.Equal(HttpStatusCode.Forbidden, byOperator.Status);
        Assert.Equal(HttpStatusCode.Conflict, readAlready.Status);
        Assert.Contains("Parameter 'app' was read by step 'prepare'", readAlready.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(status == HttpStatusCode.OK, answer.ToString());
        Assert.Equal($"Run {id}'s parameters changed: checks 1 → 3. Approval 'gate' will ask again when the run is resumed. Resume it to go on.",
            answer.GetProperty("message").GetString());

        var paused = await _api.WaitForStatusAsync(id, "Paused");
        Assert.Equal("3", paused.GetProperty("run").GetProperty("parameters").GetProperty("checks").GetString());
        Assert.Equal("Pending", Step(paused, "gate").GetProperty("status").GetString());
        var change = Assert.Single(History(paused), r => r.StartsWith("parameters changed by ", StringComparison.Ordinal));
        Assert.Equal("parameters changed by ada: checks 1 → 3 (one check is not enough)", change);

        Assert.Equal(HttpStatusCode.OK, (await _api.PostAsync($"/api/runs/{id}/resume", "olivia")).Status);
        var waiting = await _api.WaitForStatusAsync(id, "WaitingForApproval");
        Assert.Equal("Pending", Step(waiting, "verify").GetProperty("status").GetString());
        var plan = waiting.GetProperty("approvalPlans")[0];
        Assert.Equal("3", plan.GetProperty("parameters").GetProperty("checks").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _api.PostAsync($"/api/runs/{id}/approvals", "mark", new { decision = "approve" })).Status);
        await _api.WaitForStatusAsync(id, "Succeeded");
        var (_, log) = await _api.GetAsync($"/api/runs/{id}/steps/verify/log");
        Assert.Contains(log.EnumerateArray(), l => l.GetProperty("text").GetString() == "ran 3 checks");
    }

    private async Task<string?> StepStatusAsync(string id, string step)
    {
        var (_, run) = await _api.GetAsync($"/api/runs/{id}");
        return Step(run, step).GetProperty("status").GetString();
    }

    private static JsonElement Step(JsonElement details, string name) =>
        details.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);

    private static IEnumerable<string> History(JsonElement details) =>
        details.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("reason").GetString()!);
}
