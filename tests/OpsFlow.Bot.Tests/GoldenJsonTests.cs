using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsFlow.Bot.Api;
using OpsFlow.Engine.Model;

namespace OpsFlow.Bot.Tests;

/// <summary>
/// Why this class exists: scripts, the dashboard and chat all read the API's run JSON, so its shape must not
/// change by accident. A deliberate change: run with OPSFLOW_UPDATE_GOLDEN=1 and review the file's diff.
/// </summary>
public sealed class GoldenJsonTests(OpsFlowFactory factory) : IClassFixture<OpsFlowFactory>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public void RunDetails_Json_MatchesTheGoldenFile()
    {
        var options = factory.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var details = new RunDetails(
            new RunRecord
            {
                Id = "7k3m9qx2ab",
                Workflow = "deploy",
                WorkflowVersion = "sha256:abc",
                Status = RunStatus.WaitingForApproval,
                Parameters = new Dictionary<string, string> { ["app"] = "web-app", ["env"] = "prod" },
                RequestedById = "user-id-0",
                RequestedByName = "Alex Wilber",
                Trigger = "chat",
                LockKey = "web-app/prod",
                RequestId = "chat:activity-1",
                CreatedAt = T0,
                StartedAt = T0.AddSeconds(1),
                HistorySeq = 5,
                Version = 4,
            },
            [
                new StepRecord
                {
                    RunId = "7k3m9qx2ab", Name = "build", Position = 0, Status = StepStatus.Succeeded, Attempt = 2,
                    StartedAt = T0.AddSeconds(1), EndedAt = T0.AddSeconds(40), CompletedSeq = 1, ProgressPercent = 100,
                    Outputs = new Dictionary<string, string> { ["artifact"] = "web-app-v1.2.tgz" },
                    Findings = [new OpsFlow.Engine.Definitions.Finding(OpsFlow.Engine.Definitions.FindingLevel.Warning, "artifact is 412 MB, over 400 MB")],
                },
                new StepRecord
                {
                    RunId = "7k3m9qx2ab", Name = "prod-approval", Position = 1, Status = StepStatus.Waiting, Attempt = 0,
                    StartedAt = T0.AddSeconds(40), DueAt = T0.AddHours(2),
                    Votes = [new ApprovalVote("user-id-1", "Megan Bowen", true, "ok", T0.AddMinutes(5))],
                },
            ],
            [
                new HistoryEntry("7k3m9qx2ab", 1, T0, HistoryKind.Run, "Alex Wilber (user-id-0)", null, null, "Pending", "requested by Alex Wilber (user-id-0) via chat"),
                new HistoryEntry("7k3m9qx2ab", 2, T0.AddSeconds(1), HistoryKind.Step, "system", "build", "Pending", "Running", "dependencies done"),
            ]);

        // Serialized exactly as the API does, then indented so the golden file reads (and diffs) well.
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(details, options));
        var json = JsonSerializer.Serialize(document.RootElement, Indented) + "\n";

        var golden = GoldenPath();
        if (Environment.GetEnvironmentVariable("OPSFLOW_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(golden, json);
        }

        Assert.True(File.Exists(golden), $"No golden file at {golden}; run once with OPSFLOW_UPDATE_GOLDEN=1 and review it.");
        Assert.Equal(File.ReadAllText(golden), json);
    }

    private static string GoldenPath([CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "Golden", "run-details.json");
}
