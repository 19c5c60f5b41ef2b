using System.Diagnostics;
using System.Net;
using OpsFlow.Testing;
using Xunit.Abstractions;

namespace OpsFlow.Bot.Tests.Cluster;

/// <summary>
/// Two real host processes on one PostgreSQL database: a command that reaches the host not executing the run (the
/// load balancer chose it) goes through the mailbox to the host that is, takes effect there at once, and the answer
/// comes back to the caller. Before the mailbox such a command waited for the run to go idle, and was refused.
/// </summary>
[Collection(ProcessKillCollection.Name)]
[Trait(Categories.Name, Categories.Slow)]
public sealed class ClusterCommandTests(ITestOutputHelper output) : IDisposable
{
    private const string SlowScript = """
        Workflow("slow", "one step that takes ten minutes unless cancelled");

        Step("wait", async ctx => await Task.Delay(TimeSpan.FromMinutes(10), ctx.Clock, ctx.CancellationToken));
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("opsflow-cluster-commands-").FullName;

    [Fact]
    public async Task Cancel_SentToTheOtherHost_StopsTheStepOnTheHostExecutingIt_AndAnswersAtOnce()
    {
        var connectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync("commands");
        var workflows = Directory.CreateDirectory(Path.Combine(_folder, "workflows")).FullName;
        await File.WriteAllTextAsync(Path.Combine(workflows, "slow.csx"), SlowScript);
        using var a = ClusterHost.Start("host-a", connectionString, workflows, _folder, output);
        using var b = ClusterHost.Start("host-b", connectionString, workflows, _folder, output);
        await Task.WhenAll(a.WaitReadyAsync(TimeSpan.FromSeconds(120)), b.WaitReadyAsync(TimeSpan.FromSeconds(120)));
        using var httpA = new HttpClient { BaseAddress = a.Address };
        using var httpB = new HttpClient { BaseAddress = b.Address };
        var apiA = new ApiClient(httpA);
        var apiB = new ApiClient(httpB);

        var latencies = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            var (started, body) = await apiA.PostAsync("/api/runs", "local-operator", new { workflow = "slow" });
            Assert.True(started == HttpStatusCode.Created || started == HttpStatusCode.OK, $"start on host A: {started} {body}");
            var runId = body.GetProperty("run").GetProperty("id").GetString()!;
            await apiA.WaitForStatusAsync(runId, "Running");

            // A dashboard watching through host B: the run's changes are committed on A, which B's engine never sees.
            using var stream = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var seenOnB = i == 0 ? StatusesSeenAsync(httpB, runId, "Cancelled", stream.Token) : null;

            var watch = Stopwatch.StartNew();
            var (cancelled, answer) = await apiB.PostAsync($"/api/runs/{runId}/cancel", "local-admin", new { reason = "wrong version" });
            latencies.Add(watch.Elapsed);
            if (seenOnB is not null)
            {
                Assert.Equal(["Running", "Cancelled"], await seenOnB);
            }

            Assert.True(cancelled == HttpStatusCode.OK, $"host B answers with host A's result: {cancelled} {answer}");
            Assert.Equal("Cancelled", answer.GetProperty("run").GetProperty("status").GetString());
            var (_, onA) = await apiA.GetAsync($"/api/runs/{runId}");
            var step = onA.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "wait");
            Assert.Equal("Cancelled", step.GetProperty("status").GetString());
        }

        output.WriteLine($"cancel through the other host: {string.Join(", ", latencies.Select(l => $"{l.TotalMilliseconds:F0} ms"))}");
        Assert.True(latencies.Max() < TimeSpan.FromSeconds(10), "a command is handed over within the mailbox's poll, not after the run's 10-minute step");
    }

    /// <summary>Reads the run's event stream and returns the distinct statuses it showed, until <paramref name="last"/>.</summary>
    private static async Task<IReadOnlyList<string>> StatusesSeenAsync(HttpClient http, string runId, string last, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/api/runs/{runId}/events", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var statuses = new List<string>();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }

            var status = System.Text.Json.JsonDocument.Parse(line[6..]).RootElement.GetProperty("run").GetProperty("status").GetString()!;
            if (statuses.LastOrDefault() != status)
            {
                statuses.Add(status);
            }

            if (status == last)
            {
                break;
            }
        }

        return statuses;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is harmless.
        }
    }
}
