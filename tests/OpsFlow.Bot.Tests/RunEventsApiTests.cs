using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Scheduling;
using Quartz;

namespace OpsFlow.Bot.Tests;

/// <summary>Live run events (SSE), incremental log reads and the retention job, through the real host.</summary>
public sealed class RunEventsApiTests(OpsFlowFactory factory) : IClassFixture<OpsFlowFactory>
{
    private readonly ApiClient _api = new(factory.CreateClient(), factory.RunChanged);

    [Fact]
    public async Task Events_FirstTheRunAsGetAnswersIt_ThenEveryChange_UntilTheRunEnds()
    {
        var (_, started) = await _api.PostAsync("/api/runs", "olivia", new { workflow = "gated", parameters = new { env = "dev" } });
        var id = started.GetProperty("run").GetProperty("id").GetString()!;
        await _api.WaitForStatusAsync(id, "WaitingForApproval");
        using var http = factory.CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        using var response = await http.GetAsync($"/api/runs/{id}/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var stream = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var first = await ReadEventAsync(stream, timeout.Token);
        var current = await http.GetStringAsync($"/api/runs/{id}", timeout.Token);
        await _api.PostAsync($"/api/runs/{id}/approvals", "mark", new { decision = "approve" });
        var statuses = new List<string>();
        while (await ReadEventAsync(stream, timeout.Token) is { } data)
        {
            statuses.Add(System.Text.Json.JsonDocument.Parse(data).RootElement.GetProperty("run").GetProperty("status").GetString()!);
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(current, first);
        Assert.NotEmpty(statuses);
        Assert.Equal("Succeeded", statuses[^1]);
    }

    [Fact]
    public async Task Events_OfAnUnknownRun_Are404Problem()
    {
        using var response = await factory.CreateClient().GetAsync("/api/runs/no-such-run/events");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Log_WithAfter_ReadsIncrementally_WithoutItTheArrayAsBefore()
    {
        var (_, started) = await _api.PostAsync("/api/runs", "olivia", new { workflow = "selfcheck" });
        var id = started.GetProperty("run").GetProperty("id").GetString()!;
        await _api.WaitForStatusAsync(id, "Succeeded");

        var (_, all) = await _api.GetAsync($"/api/runs/{id}/steps/report/log");
        var (_, page) = await _api.GetAsync($"/api/runs/{id}/steps/report/log?after=0&take=1");
        var (_, rest) = await _api.GetAsync($"/api/runs/{id}/steps/report/log?after={page.GetProperty("next").GetInt64()}");
        var (bad, problem) = await _api.GetAsync($"/api/runs/{id}/steps/report/log?after=-1");

        Assert.Equal(System.Text.Json.JsonValueKind.Array, all.ValueKind);
        Assert.Equal(all[0].GetProperty("text").GetString(), page.GetProperty("lines")[0].GetProperty("text").GetString());
        Assert.Equal(all.GetArrayLength() > 1, page.GetProperty("more").GetBoolean());
        Assert.Equal(all.GetArrayLength() - 1, rest.GetProperty("lines").GetArrayLength());
        Assert.False(rest.GetProperty("more").GetBoolean());
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Contains("after must be a log cursor", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetentionJob_DeletesTheLogsOfRunsThatEndedLongAgo_KeepsTheRest()
    {
        var store = factory.Services.GetRequiredService<IRunStore>();
        var now = factory.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        await SeededRuns.FinishedAsync(store, "old-run", "deploy", now.AddDays(-40), RunStatus.Failed, 60, StepStatus.Failed, "HTTP 503");
        await SeededRuns.FinishedAsync(store, "new-run", "deploy", now.AddDays(-2), RunStatus.Succeeded, 60, StepStatus.Succeeded, null);
        var scheduler = await factory.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();

        await scheduler.TriggerJob(SchedulingServiceCollectionExtensions.StepLogRetentionJob);
        // The job announces nothing when it is done: the log is read again every 50 ms.
        await Wait.UntilAsync(async () => (await store.GetStepLogAsync("old-run", "work")).Count == 0, "the retention job to delete the old run's log", within: TimeSpan.FromSeconds(10), poll: TimeSpan.FromMilliseconds(50));

        Assert.Empty(await store.GetStepLogAsync("old-run", "work"));
        Assert.Single(await store.GetStepLogAsync("new-run", "work"));
        var (_, kept) = await _api.GetAsync("/api/runs/old-run");
        Assert.Equal("HTTP 503", kept.GetProperty("steps")[0].GetProperty("error").GetString());
    }

    [Fact]
    public async Task HistoryTiersJob_ArchivesAnOldMonth_TheRunStillReadsThroughTheApi_MarkedArchived_AndTheMoveIsAudited()
    {
        var store = factory.Services.GetRequiredService<IRunStore>();
        var now = factory.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        await SeededRuns.FinishedAsync(store, "ancient-run", "deploy", now.AddDays(-100), RunStatus.Succeeded, 60, StepStatus.Succeeded, null);
        var (_, before) = await _api.GetAsync("/api/runs/ancient-run");
        var (_, logBefore) = await _api.GetAsync("/api/runs/ancient-run/steps/work/log");
        var scheduler = await factory.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();

        await scheduler.TriggerJob(SchedulingServiceCollectionExtensions.HistoryTiersJob);
        // The job announces nothing when it is done: the run is read again every 50 ms.
        await Wait.UntilAsync(async () => (await store.GetRunAsync("ancient-run"))?.ArchivedIn is not null, "the history tiers job to archive the run", within: TimeSpan.FromSeconds(10), poll: TimeSpan.FromMilliseconds(50));

        var file = $"runs-{now.AddDays(-100):yyyy-MM}.jsonl.gz";
        var (status, after) = await _api.GetAsync("/api/runs/ancient-run");
        var (_, logAfter) = await _api.GetAsync("/api/runs/ancient-run/steps/work/log");
        var (_, page) = await _api.GetAsync("/api/runs?workflow=deploy&take=200");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(file, after.GetProperty("run").GetProperty("archivedIn").GetString());
        Assert.True(File.Exists(Path.Combine(factory.ArchiveFolder, file)), $"{file} is in the archive folder");
        Assert.Equal(before.GetProperty("steps").GetRawText(), after.GetProperty("steps").GetRawText());
        Assert.Equal(before.GetProperty("history").GetRawText(), after.GetProperty("history").GetRawText());
        Assert.Equal(logBefore.GetRawText(), logAfter.GetRawText());
        Assert.Contains(page.GetProperty("runs").EnumerateArray(), r => r.GetProperty("id").GetString() == "ancient-run" && r.GetProperty("archivedIn").GetString() == file);
        var audit = await factory.Services.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery(Action: "archive"));
        var entry = Assert.Single(audit, e => e.Event.Target == file);
        Assert.Equal(("OpsFlow", "system", AuditOutcome.Done), (entry.Event.ActorName, entry.Event.Via, entry.Event.Outcome));
    }

    /// <summary>The data of the next "run" event, or null when the stream ends; keep-alive events are skipped.</summary>
    private static async Task<string?> ReadEventAsync(StreamReader stream, CancellationToken cancellationToken)
    {
        string? data = null;
        string? type = null;
        while (await stream.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0 && data is not null)
            {
                if (type == "run")
                {
                    return data;
                }

                (data, type) = (null, null);
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line["event: ".Length..];
            }

            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line["data: ".Length..];
            }
        }

        return null;
    }
}
