using System.Net;

namespace OpsFlow.Bot.Tests;

/// <summary>The HTTP API through the real host (WebApplicationFactory), on a real SQLite file.</summary>
public sealed class RunsApiTests : IClassFixture<OpsFlowFactory>
{
    private readonly ApiClient _api;

    public RunsApiTests(OpsFlowFactory factory) => _api = new ApiClient(factory.CreateClient(), factory.RunChanged);

    [Fact]
    public async Task StartRun_AsOperator_Creates201_AndTheRunSucceeds()
    {
        var (status, body) = await _api.PostAsync("/api/runs", "olivia", new { workflow = "selfcheck", parameters = new { } });

        Assert.Equal(HttpStatusCode.Created, status);
        var id = body.GetProperty("run").GetProperty("id").GetString()!;
        var done = await _api.WaitForStatusAsync(id, "Succeeded");
        Assert.Equal(3, done.GetProperty("steps").GetArrayLength());
        Assert.Equal("olivia", done.GetProperty("run").GetProperty("requestedById").GetString());
        var (_, log) = await _api.GetAsync($"/api/runs/{id}/steps/report/log");
        Assert.Contains("OpsFlow is healthy", log[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        var (_, list) = await _api.GetAsync("/api/runs?workflow=selfcheck&status=succeeded");
        Assert.Contains(list.GetProperty("runs").EnumerateArray(), r => r.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task StartRun_WithTheSameIdempotencyKey_StartsOneRun()
    {
        var first = await _api.PostAsync("/api/runs", "olivia", new { workflow = "selfcheck" }, idempotencyKey: "deploy-42");
        var second = await _api.PostAsync("/api/runs", "olivia", new { workflow = "selfcheck" }, idempotencyKey: "deploy-42");

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(first.Body.GetProperty("run").GetProperty("id").GetString(), second.Body.GetProperty("run").GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("{not json", "the body is not valid JSON")]
    [InlineData("{\"workflow\": 12}", "$.workflow has the wrong type.")]
    [InlineData("{\"workflow\": \"selfcheck\", \"parameters\": [1, 2]}", "$.parameters has the wrong type.")]
    [InlineData("{\"workflow\": \"selfcheck\", \"parameters\": {\"min-free-mb\": 5}}", "$.parameters.min-free-mb has the wrong type.")]
    [InlineData("", "needs a JSON body")]
    [InlineData("{}", "Say which workflow")]
    public async Task StartRun_MalformedBody_Is400WithAMessage_Never500(string json, string expected)
    {
        var (status, body) = await _api.SendAsync(HttpMethod.Post, "/api/runs", "olivia", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartRun_HugeBody_Is413()
    {
        var (status, _) = await _api.SendAsync(HttpMethod.Post, "/api/runs", "olivia", $"{{\"workflow\": \"{new string('x', 100_000)}\"}}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
    }

    [Fact]
    public async Task StartRun_BadParameter_Is400NamingTheParameterAndTheRule_AndCreatesNothing()
    {
        var (_, before) = await _api.GetAsync("/api/runs?workflow=gated");
        var (status, body) = await _api.PostAsync("/api/runs", "olivia", new { workflow = "gated", parameters = new { env = "production" } });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = body.GetProperty("errors")[0];
        Assert.Equal("env", error.GetProperty("parameter").GetString());
        Assert.Equal("must be one of dev, prod, got 'production'", error.GetProperty("problem").GetString());
        Assert.Contains("parameter 'env': must be one of dev, prod", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var (_, after) = await _api.GetAsync("/api/runs?workflow=gated");
        Assert.Equal(before.GetProperty("total").GetInt32(), after.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task StartRun_UnknownWorkflow_Is404ListingTheWorkflows()
    {
        var (status, body) = await _api.PostAsync("/api/runs", "olivia", new { workflow = "deploy-the-moon" });

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("Workflows: gated, selfcheck, shaped, slow.", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartRun_WhoseGraphIsInvalid_Is422ListingTheProblems_AndCreatesNothing()
    {
        var (status, body) = await _api.PostAsync("/api/runs", "olivia", new { workflow = "shaped", parameters = new { shape = "loop" } });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("steps form a cycle: a → b → a", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var (_, list) = await _api.GetAsync("/api/runs?workflow=shaped");
        Assert.Equal(0, list.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task StartRun_ByAViewer_Is403()
    {
        var (status, body) = await _api.PostAsync("/api/runs", null, new { workflow = "selfcheck" });

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("operator role", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetRun_Unknown_Is404_AndCommandsOnIt_Are404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _api.GetAsync("/api/runs/nope")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.PostAsync("/api/runs/nope/pause", "olivia")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.GetAsync("/api/runs/nope/steps/x/log")).Status);
    }

    [Theory]
    [InlineData("status=Exploded", "status must be one of")]
    [InlineData("status=1", "status must be one of")]
    [InlineData("take=0", "take must be between 1 and 500")]
    [InlineData("skip=-1", "skip must be 0 or more")]
    [InlineData("from=yesterday", "from must be a date and time")]
    public async Task ListRuns_BadFilter_Is400SayingWhatToFix(string query, string expected)
    {
        var (status, body) = await _api.GetAsync($"/api/runs?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approval_ThroughTheApi_FollowsTheRules()
    {
        var (_, started) = await _api.PostAsync("/api/runs", "olivia", new { workflow = "gated", parameters = new { env = "prod" } });
        var id = started.GetProperty("run").GetProperty("id").GetString()!;
        await _api.WaitForStatusAsync(id, "WaitingForApproval");

        var notApprover = await _api.PostAsync($"/api/runs/{id}/approvals", "ada", new { decision = "approve" });
        var badDecision = await _api.PostAsync($"/api/runs/{id}/approvals", "mark", new { decision = "maybe" });
        var approved = await _api.PostAsync($"/api/runs/{id}/approvals", "mark", new { decision = "approve", reason = "looks fine" });

        Assert.Equal(HttpStatusCode.Forbidden, notApprover.Status);
        Assert.Equal(HttpStatusCode.BadRequest, badDecision.Status);
        Assert.Equal(HttpStatusCode.OK, approved.Status);
        var done = await _api.WaitForStatusAsync(id, "Succeeded");
        var history = done.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("reason").GetString()).ToArray();
        Assert.Contains(history, r => r!.StartsWith("refused approve by ada", StringComparison.Ordinal));
        Assert.Contains(history, r => r!.StartsWith("approved by mark on plan ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IllegalCommand_Is409_AndChangesNothing()
    {
        var (_, started) = await _api.PostAsync("/api/runs", "olivia", new { workflow = "gated", parameters = new { env = "dev" } });
        var id = started.GetProperty("run").GetProperty("id").GetString()!;
        await _api.WaitForStatusAsync(id, "WaitingForApproval");

        var resume = await _api.PostAsync($"/api/runs/{id}/resume", "olivia");
        var cancelByOperator = await _api.PostAsync($"/api/runs/{id}/cancel", "olivia", new { reason = "oops" });
        var cancelByAdmin = await _api.PostAsync($"/api/runs/{id}/cancel", "ada", new { reason = "not today" });

        Assert.Equal(HttpStatusCode.Conflict, resume.Status);
        Assert.Contains("only a paused run can be resumed", resume.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, cancelByOperator.Status);
        Assert.Equal(HttpStatusCode.OK, cancelByAdmin.Status);
        await _api.WaitForStatusAsync(id, "Cancelled");
    }
}
