using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Tests;

/// <summary>/api/reports through the real host, over a history seeded in March 2025 (away from the live runs of other tests).</summary>
public sealed class ReportsApiTests : IClassFixture<OpsFlowFactory>, IAsyncLifetime
{
    private static readonly DateTimeOffset March = new(2025, 3, 3, 0, 0, 0, TimeSpan.Zero);
    private readonly OpsFlowFactory _factory;
    private readonly ApiClient _api;

    public ReportsApiTests(OpsFlowFactory factory)
    {
        _factory = factory;
        _api = new ApiClient(factory.CreateClient(), factory.RunChanged);
    }

    public async Task InitializeAsync()
    {
        var store = _factory.Services.GetRequiredService<IRunStore>();
        if (await store.GetRunAsync("m1") is not null)
        {
            return;
        }

        await SeededRuns.FinishedAsync(store, "m1", "deploy", March.AddHours(9), RunStatus.Succeeded, 60, StepStatus.Succeeded, null);
        await SeededRuns.FinishedAsync(store, "m2", "deploy", March.AddHours(10), RunStatus.Failed, 30, StepStatus.Failed, "HTTP 503");
        await SeededRuns.FinishedAsync(store, "m3", "backup", March.AddDays(1), RunStatus.Succeeded, 120, StepStatus.Succeeded, null);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Summary_CountsTheRange()
    {
        var (status, body) = await _api.GetAsync("/api/reports/summary?from=2025-03-01&to=2025-04-01");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, body.GetProperty("runs").GetInt32());
        Assert.Equal(2, body.GetProperty("succeeded").GetInt32());
        Assert.Equal(1, body.GetProperty("failed").GetInt32());
        Assert.Equal(0, body.GetProperty("rolledBack").GetInt32());
        Assert.Equal(0, body.GetProperty("cancelled").GetInt32());
        Assert.Equal(2.0 / 3, body.GetProperty("successRate").GetDouble(), 9);
        Assert.Equal(70_000, body.GetProperty("averageDurationMs").GetDouble(), 6);
        Assert.Equal(60_000, body.GetProperty("medianDurationMs").GetDouble(), 6);
    }

    [Fact]
    public async Task SuccessRate_ByWeek_IncludesEmptyWeeks()
    {
        var (status, body) = await _api.GetAsync("/api/reports/success-rate?from=2025-03-03&to=2025-03-17&bucket=week");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, body.GetArrayLength());
        Assert.Equal(March, body[0].GetProperty("start").GetDateTimeOffset());
        Assert.Equal((3, 2), (body[0].GetProperty("runs").GetInt32(), body[0].GetProperty("succeeded").GetInt32()));
        Assert.Equal(0, body[1].GetProperty("runs").GetInt32());
        Assert.Equal(0, body[1].GetProperty("successRate").GetDouble());
    }

    [Fact]
    public async Task StepDurations_FailuresAndWorkflows()
    {
        var (_, steps) = await _api.GetAsync("/api/reports/step-durations?from=2025-03-01&to=2025-04-01&workflow=deploy");
        var (_, failures) = await _api.GetAsync("/api/reports/failures?from=2025-03-01&to=2025-04-01&take=5");
        var (_, workflows) = await _api.GetAsync("/api/reports/workflows?from=2025-03-01&to=2025-04-01");

        var step = Assert.Single(steps.EnumerateArray());
        Assert.Equal(("deploy", "work", 3), (step.GetProperty("workflow").GetString(), step.GetProperty("step").GetString(), step.GetProperty("attempts").GetInt32()));
        Assert.Equal((45_000.0, 60_000.0, 90_000.0), (step.GetProperty("averageMs").GetDouble(), step.GetProperty("p95Ms").GetDouble(), step.GetProperty("totalMs").GetDouble()));
        var failure = Assert.Single(failures.EnumerateArray());
        Assert.Equal(("HTTP 503", 1, "m2"), (failure.GetProperty("error").GetString(), failure.GetProperty("count").GetInt32(), failure.GetProperty("lastRunId").GetString()));
        Assert.Equal(March.AddHours(10).AddSeconds(30), failure.GetProperty("lastAt").GetDateTimeOffset());
        Assert.Equal(["deploy", "backup"], workflows.EnumerateArray().Select(w => w.GetProperty("workflow").GetString()));
        Assert.Equal(("m2", "Failed"), (workflows[0].GetProperty("lastRunId").GetString(), workflows[0].GetProperty("lastStatus").GetString()));
        Assert.Equal(0.5, workflows[0].GetProperty("successRate").GetDouble());
    }

    [Fact]
    public async Task Monthly_HasTheSummaryTopWorkflowsAttentionAndText()
    {
        var (status, body) = await _api.GetAsync("/api/reports/monthly?month=2025-03");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("2025-03", body.GetProperty("month").GetString());
        Assert.Equal(3, body.GetProperty("summary").GetProperty("runs").GetInt32());
        Assert.Equal(2, body.GetProperty("topWorkflows").GetArrayLength());
        Assert.Equal("work", body.GetProperty("attention")[0].GetProperty("step").GetString());
        var text = body.GetProperty("text").GetString()!;
        Assert.Contains("OpsFlow monthly report: March 2025", text, StringComparison.Ordinal);
        Assert.Contains("Success rate: 66.7%", text, StringComparison.Ordinal);
        Assert.Contains("Average duration: 1 min 10 s", text, StringComparison.Ordinal);
        Assert.Contains("1. deploy: 2 runs, 50% succeeded", text, StringComparison.Ordinal);
        Assert.Contains("1. deploy / work: \"HTTP 503\", 1 time (last 2025-03-03 10:00 UTC, run m2)", text, StringComparison.Ordinal);
        // The seeded workflows are not in the host's catalog, so none declares its manual minutes.
        Assert.Contains("None counted: no workflow that succeeded declares how long the work takes by hand", text, StringComparison.Ordinal);
        Assert.Equal(0, body.GetProperty("manualWork").GetProperty("shares").GetArrayLength());
    }

    [Fact]
    public async Task WithoutARange_TheLast30Days()
    {
        var (status, body) = await _api.GetAsync("/api/reports/workflows");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain(body.EnumerateArray(), w => w.GetProperty("lastRunId").GetString() == "m1");
    }

    [Theory]
    [InlineData("/api/reports/summary?from=yesterday", "from must be a date")]
    [InlineData("/api/reports/summary?to=2025-13-01", "to must be a date")]
    [InlineData("/api/reports/workflows?from=2025-04-01&to=2025-03-01", "from must be before to")]
    [InlineData("/api/reports/success-rate?bucket=month", "bucket must be day or week")]
    [InlineData("/api/reports/success-rate?from=2020-01-01&to=2025-01-01", "use bucket=week or a shorter range")]
    [InlineData("/api/reports/failures?take=0", "take must be a whole number from 1 to 100")]
    [InlineData("/api/reports/failures?take=ten", "take must be a whole number")]
    [InlineData("/api/reports/monthly?month=2025-3-1", "month must be a year and month such as month=2026-11")]
    [InlineData("/api/reports/step-durations?from=2025-03-01T25:00", "from must be a date")]
    public async Task BadParameters_Are400NamingTheParameterWithAnExample(string path, string expected)
    {
        var (status, body) = await _api.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
