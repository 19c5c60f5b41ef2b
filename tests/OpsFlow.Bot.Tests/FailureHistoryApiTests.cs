using System.Net;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.InProcess;

namespace OpsFlow.Bot.Tests;

/// <summary>A failed run's GET says whether its failure is new, from the history of the runs before it.</summary>
public sealed class FailureHistoryApiTests
{
    private sealed class FlakyFactory : OpsFlowFactory
    {
        protected override void AddWorkflows(InMemoryWorkflowCatalog catalog, IServiceProvider services)
        {
            base.AddWorkflows(catalog, services);
            var host = new ParameterDefinition("host") { Description = "the database host it cannot reach" };
            var flaky = new WorkflowBuilder("flaky", "cannot reach its database").Parameter(host);
            flaky.Step("connect", ctx => throw new TimeoutException($"connect to {ctx.Parameters["host"]}:5432 timed out after 00:00:30"));
            catalog.Add(flaky.Build());
        }
    }

    [Fact]
    public async Task GetRun_OfAFailureSeenBefore_SaysSo_AndTheFirstOneSaysItIsNew()
    {
        using var factory = new FlakyFactory();
        var api = new ApiClient(factory.CreateClient(), factory.RunChanged);

        var first = await FailAsync(api, "10.0.0.7");
        var second = await FailAsync(api, "10.0.0.9");

        var news = first.GetProperty("failureHistory");
        Assert.Equal(0, news.GetProperty("count").GetInt32());
        Assert.StartsWith("New: no failure like this in the last 30 days", news.GetProperty("text").GetString(), StringComparison.Ordinal);
        var seen = second.GetProperty("failureHistory");
        Assert.Equal(news.GetProperty("fingerprint").GetString(), seen.GetProperty("fingerprint").GetString());
        Assert.Equal(1, seen.GetProperty("count").GetInt32());
        Assert.Equal(first.GetProperty("run").GetProperty("id").GetString(), seen.GetProperty("lastRunId").GetString());
        Assert.StartsWith("nothing yet", seen.GetProperty("clearedBy").GetString(), StringComparison.Ordinal);
        Assert.Contains("Seen 1 time in 30 days", seen.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    private static async Task<System.Text.Json.JsonElement> FailAsync(ApiClient api, string host)
    {
        var (status, body) = await api.PostAsync("/api/runs", "olivia", new { workflow = "flaky", parameters = new { host } });
        Assert.True(status == HttpStatusCode.Created, $"start: {(int)status} {body}");
        var runId = body.GetProperty("run").GetProperty("id").GetString()!;
        return await api.WaitForStatusAsync(runId, "Failed");
    }
}
