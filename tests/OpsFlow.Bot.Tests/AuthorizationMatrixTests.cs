using System.Net;
using System.Text.Json;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.InProcess;

namespace OpsFlow.Bot.Tests;

/// <summary>A host with a workflow that fails, so retry and skip have something to act on.</summary>
public sealed class MatrixFactory : OpsFlowFactory
{
    protected override void AddWorkflows(InMemoryWorkflowCatalog catalog, IServiceProvider services)
    {
        base.AddWorkflows(catalog, services);
        var fails = new WorkflowBuilder("fails", "a step that always fails");
        fails.Step("broken", _ => throw new InvalidOperationException("always"));
        catalog.Add(fails.Build());
    }
}

/// <summary>
/// Every run command of the HTTP API (which the dashboard's buttons call) against viewer, operator and admin, and
/// approvals against the approval rules: the allowed get through, the others get 403 and the refusal is written to
/// the run's history with who tried. Each case sets up a run of its own in the state the command needs, so a
/// refusal is about the role and never about the state. olivia is an operator, mark an operator and ops-manager,
/// ada an admin, victor nobody (a viewer).
/// </summary>
public sealed class AuthorizationMatrixTests(MatrixFactory factory) : IClassFixture<MatrixFactory>
{
    private readonly ApiClient _api = new(factory.CreateClient(), factory.RunChanged);

    public static TheoryData<string, string, bool> Cases() => new()
    {
        { "pause", "victor", false }, { "pause", "olivia", true }, { "pause", "ada", true },
        { "resume", "victor", false }, { "resume", "olivia", true }, { "resume", "ada", true },
        { "retry", "victor", false }, { "retry", "olivia", true }, { "retry", "ada", true },
        { "cancel", "victor", false }, { "cancel", "olivia", false }, { "cancel", "mark", false }, { "cancel", "ada", true },
        { "skip", "victor", false }, { "skip", "olivia", false }, { "skip", "ada", true },
        { "approve", "victor", false }, { "approve", "olivia", false }, { "approve", "ada", false }, { "approve", "mark", true },
        { "reject", "victor", false }, { "reject", "olivia", false }, { "reject", "mark", true },
        { "extend", "victor", false }, { "extend", "mark", true },
        { "approve-own-run", "mark", false },
        // Allowed for an admin only; that path is ParameterChangeApiTests (it needs a run paused between steps).
        { "parameters", "victor", false }, { "parameters", "olivia", false }, { "parameters", "mark", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Command_ByRole_IsAllowedOrRefusedAndAudited(string command, string user, bool allowed)
    {
        var runId = await PrepareAsync(command);
        var (path, body) = command switch
        {
            "skip" => ($"/api/runs/{runId}/steps/broken/skip", (object?)new { reason = "known issue" }),
            "approve" or "approve-own-run" => ($"/api/runs/{runId}/approvals", new { decision = "approve" }),
            "reject" => ($"/api/runs/{runId}/approvals", new { decision = "reject", reason = "not now" }),
            "extend" => ($"/api/runs/{runId}/approvals", new { decision = "extend" }),
            "parameters" => ($"/api/runs/{runId}/parameters", new { parameters = new { level = "2" } }),
            _ => ($"/api/runs/{runId}/{command}", null),
        };

        var (status, answer) = await _api.PostAsync(path, user, body);

        if (allowed)
        {
            Assert.True(status == HttpStatusCode.OK, $"{user} may {command}, but got {(int)status}: {answer}");
            return;
        }

        Assert.True(status == HttpStatusCode.Forbidden, $"{user} may not {command}, but got {(int)status}: {answer}");
        var (_, run) = await _api.GetAsync($"/api/runs/{runId}");
        var history = run.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("reason").GetString()!).ToArray();
        var verb = command switch { "approve-own-run" => "approve", "parameters" => "change-parameters", _ => command };
        Assert.True(history.Any(r => r.StartsWith($"refused {verb} by {user}", StringComparison.Ordinal)),
            $"the refusal of {command} by {user} is audited in the history:\n{string.Join('\n', history)}");
    }

    [Theory]
    [InlineData("victor", false)]
    [InlineData("olivia", true)]
    [InlineData("ada", true)]
    public async Task StartAndSchedule_ByRole_AreAllowedOrRefused(string user, bool allowed)
    {
        var start = await _api.PostAsync("/api/runs", user, new { workflow = "selfcheck" });
        var schedule = await _api.PostAsync("/api/schedules", user, new { workflow = "selfcheck", cron = "0 0 3 * * ?" });

        Assert.Equal(allowed ? HttpStatusCode.Created : HttpStatusCode.Forbidden, start.Status);
        Assert.Equal(allowed ? HttpStatusCode.Created : HttpStatusCode.Forbidden, schedule.Status);
        if (allowed)
        {
            var id = schedule.Body.GetProperty("id").GetString();
            Assert.Equal(HttpStatusCode.Forbidden, (await _api.SendAsync(HttpMethod.Delete, $"/api/schedules/{id}", "victor")).Status);
            Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Delete, $"/api/schedules/{id}", user)).Status);
        }
    }

    [Theory]
    [InlineData("victor", false)]
    [InlineData("olivia", true)]
    public async Task RunAgain_ByRole_StartsANewRunWithTheSameParameters_OrIsRefused(string user, bool allowed)
    {
        var first = await StartAsync("gated", "mark", "WaitingForApproval", new { env = "prod" });

        var (status, answer) = await _api.PostAsync($"/api/runs/{first}/again", user);

        if (!allowed)
        {
            Assert.True(status == HttpStatusCode.Forbidden, $"{user} may not start runs, but got {(int)status}: {answer}");
            return;
        }

        Assert.True(status == HttpStatusCode.Created, $"{user} may run it again, but got {(int)status}: {answer}");
        var again = answer.GetProperty("run");
        Assert.NotEqual(first, again.GetProperty("id").GetString());
        Assert.Equal("prod", again.GetProperty("parameters").GetProperty("env").GetString());
        Assert.Equal($"api (again of {first})", again.GetProperty("trigger").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await _api.PostAsync("/api/runs/no-such-run/again", user)).Status);
    }

    [Fact]
    public async Task Reads_AreOpenToViewers()
    {
        var runId = await PrepareAsync("cancel");

        Assert.Equal(HttpStatusCode.OK, (await _api.GetAsync($"/api/runs/{runId}", "victor")).Status);
        Assert.Equal(HttpStatusCode.OK, (await _api.GetAsync("/api/runs", "victor")).Status);
        Assert.Equal(HttpStatusCode.OK, (await _api.GetAsync("/api/reports/summary", "victor")).Status);
    }

    /// <summary>A run in the state the command applies to.</summary>
    private async Task<string> PrepareAsync(string command)
    {
        switch (command)
        {
            case "pause" or "cancel":
                return await StartAsync("slow", "olivia", "Running");
            case "resume" or "parameters":
                var paused = await StartAsync("slow", "olivia", "Running");
                Assert.Equal(HttpStatusCode.OK, (await _api.PostAsync($"/api/runs/{paused}/pause", "ada")).Status);
                await _api.WaitForStatusAsync(paused, "Paused");
                return paused;
            case "retry" or "skip":
                return await StartAsync("fails", "olivia", "Failed");
            case "approve-own-run":
                return await StartAsync("gated", "mark", "WaitingForApproval", new { env = "prod" });
            default:
                return await StartAsync("gated", "olivia", "WaitingForApproval", new { env = "prod" });
        }
    }

    private async Task<string> StartAsync(string workflow, string user, string status, object? parameters = null)
    {
        var (code, body) = await _api.PostAsync("/api/runs", user, new { workflow, parameters = parameters ?? new { } });
        Assert.True(code == HttpStatusCode.Created, $"starting {workflow}: {(int)code} {body}");
        var id = body.GetProperty("run").GetProperty("id").GetString()!;
        await _api.WaitForStatusAsync(id, status);
        return id;
    }
}
