using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Teams.Tests.Integration;
using Xunit.Abstractions;

namespace OpsFlow.Teams.Tests.Reliability;

/// <summary>
/// A secret a step uses never leaves the process in clear (docs/reliability.md, "Secrets"): not in a card sent to the connector,
/// a log line, the stored history, an error, the HTTP API or the dashboard's endpoints, not even in the database
/// file, also when the step echoes it to stdout and fails with it in a process's command line.
/// </summary>
[Trait(Categories.Name, Categories.Slow)]
public sealed class SecretsTests(ReliabilityFactory factory, ITestOutputHelper output) : IClassFixture<ReliabilityFactory>
{
    [Fact]
    public async Task SecretUsedAndEchoedByAFailingStep_AppearsNowhere_OnlyMasked()
    {
        var conversation = $"19:{Guid.NewGuid():n}@thread.tacv2";
        var runs = factory.Services.GetRequiredService<IRunStore>();

        Assert.Equal(HttpStatusCode.OK, (await factory.PostActivityAsync(ActivityJson.Message("leak", "olivia", conversation: conversation))).StatusCode);
        var run = await WaitForFailedRunAsync(runs, conversation);
        var cards = await factory.Connector.WaitAsync(conversation, r => r.Any(x => x.Card().Contains("exited with code 3", StringComparison.Ordinal)), "the failure card");

        var api = new ApiClient(factory.CreateClient(), factory.RunChanged);
        var places = new Dictionary<string, string>
        {
            ["cards sent to the connector"] = string.Join("\n", factory.Connector.Requests.Select(r => r.Body?.ToJsonString() ?? "")),
            ["log events"] = string.Join("\n", factory.Log.Events),
            ["GET /api/runs/{id}"] = (await api.GetAsync($"/api/runs/{run.Id}", "olivia")).Body.ToString(),
            ["GET /api/runs"] = (await api.GetAsync("/api/runs?workflow=leak", "olivia")).Body.ToString(),
            ["echo's log"] = (await api.GetAsync($"/api/runs/{run.Id}/steps/echo/log", "olivia")).Body.ToString(),
            ["fail's log"] = (await api.GetAsync($"/api/runs/{run.Id}/steps/fail/log", "olivia")).Body.ToString(),
            ["GET /api/runs/{id}/graph"] = (await api.GetAsync($"/api/runs/{run.Id}/graph", "olivia")).Body.ToString(),
            ["GET /api/reports/failures"] = (await api.GetAsync("/api/reports/failures?from=2000-01-01&to=2100-01-01", "olivia")).Body.ToString(),
            ["GET /api/runs/{id}/events (first event)"] = await FirstEventAsync(factory.CreateClient(), run.Id),
            ["the run page"] = await factory.CreateClient().GetStringAsync($"/runs/{run.Id}"),
            ["the database files"] = DatabaseText(),
        };

        foreach (var (place, text) in places)
        {
            output.WriteLine($"{place}: {text.Length:N0} characters searched");
            Assert.False(text.Contains(ReliabilityFactory.Secret, StringComparison.Ordinal), $"the secret leaked into {place}:\n{Around(text)}");
        }

        // The test proves something only if the secret was really used, and shown masked where it was.
        var steps = await runs.GetStepsAsync(run.Id);
        Assert.Equal("***", steps.Single(s => s.Name == "echo").Outputs["token"]);
        Assert.Contains("***", steps.Single(s => s.Name == "fail").Error, StringComparison.Ordinal);
        Assert.Contains("stdout token=***", places["echo's log"], StringComparison.Ordinal);
        Assert.Contains("stderr token=***", places["echo's log"], StringComparison.Ordinal);
        Assert.Contains(cards, r => r.Card().Contains("***", StringComparison.Ordinal));
        Assert.True(factory.Log.Events.Count > 20, $"only {factory.Log.Events.Count} log events were captured");
        output.WriteLine($"{factory.Log.Events.Count} log events, {factory.Connector.Requests.Count} connector requests, {places.Count} places searched");
    }

    private async Task<RunRecord> WaitForFailedRunAsync(IRunStore runs, string conversation)
    {
        RunRecord? run = null;
        await Wait.UntilAsync(
            async () => (run = (await runs.ListRunsAsync(new RunQuery { Workflow = "leak" })).Runs.FirstOrDefault(r => r.ReplyTo == conversation))?.Status == RunStatus.Failed,
            "the run to fail",
            factory.RunChanged,
            TimeSpan.FromSeconds(30),
            () => Task.FromResult($"It is {run?.Status.ToString() ?? "not started"}."));
        return run!;
    }

    private static async Task<string> FirstEventAsync(HttpClient client, string runId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/runs/{runId}/events");
        request.Headers.Add("X-OpsFlow-User", "olivia");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var text = new StringBuilder();
        while (await reader.ReadLineAsync() is { } line)
        {
            text.AppendLine(line);
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                break;
            }
        }

        return text.ToString();
    }

    private string DatabaseText()
    {
        var folder = Path.GetDirectoryName(factory.DatabasePath)!;
        return string.Join("\n", Directory.GetFiles(folder, "opsflow.db*").Select(f =>
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return Encoding.UTF8.GetString(copy.ToArray());
        }));
    }

    private static string Around(string text)
    {
        var at = text.IndexOf(ReliabilityFactory.Secret, StringComparison.Ordinal);
        return text[Math.Max(0, at - 300)..Math.Min(text.Length, at + 300)];
    }
}
