using System.Diagnostics;

namespace OpsFlow.Bench;

/// <summary>
/// Chat latency: from the inbound "/deploy web-app v1.2 prod" activity to the run's first card reaching the
/// connector. Cold: the first command of a fresh host whose script cache was empty (the host compiled the script
/// at start; the first request pays every first-time cost in-process). Warm: later commands on a host started
/// with the disk cache filled.
/// </summary>
internal static class ChatScenarios
{
    private const string Script = """
        Workflow("deploy", "Deploy an application to an environment (benchmark copy: steps only log)");
        var app = Param<string>("app", "application name", pattern: "^[a-z][a-z0-9-]{1,40}$");
        var version = Param<string>("version", pattern: @"^v\d+\.\d+(\.\d+)?$");
        var env = Param<string>("env", oneOf: ["dev", "staging", "prod"]);
        Lock($"{app}/{env}");
        var build = Step("build", ctx => ctx.Log($"building {app} {version}"));
        var test = Step("test", ctx => ctx.Log("tests pass")).After(build);
        Checkpoint("pre-deploy").After(test);
        var stop = Step("stop", ctx => ctx.Log("stopped")).After("pre-deploy").Compensate(ctx => ctx.Log("started again"));
        var swap = Step("switch", ctx => ctx.Log("switched")).After(stop);
        var start = Step("start", ctx => ctx.Log("started")).After(swap);
        Step("health", ctx => ctx.Log("healthy")).After(start);
        Step("notify-monitoring", ctx => ctx.Log("told")).After(start).ContinueOnError();
        """;

    public static async Task RunAsync(string folder, bool quick, Report report)
    {
        var root = Path.Combine(folder, "chat");
        Directory.CreateDirectory(Path.Combine(root, "workflows"));
        await File.WriteAllTextAsync(Path.Combine(root, "workflows", "deploy.csx"), Script);

        // Cold: empty script cache, so start-up compiles the script; then the first /deploy of the process.
        double coldStart, coldFirst;
        await using (var cold = new ChatHost(root))
        {
            var began = Stopwatch.GetTimestamp();
            using var client = cold.CreateClient();
            coldStart = Stopwatch.GetElapsedTime(began).TotalMilliseconds;
            coldFirst = await cold.DeployAsync(client, 0);
        }

        report.Add("chat: host start with an empty script cache (compiles deploy.csx)", coldStart, "ms");
        report.Add("chat: /deploy → first card, first command of a fresh host", coldFirst, "ms", "≤ compile + 200 ms", coldFirst <= 200 + coldStart);

        await using var warm = new ChatHost(root);
        using var warmClient = warm.CreateClient();
        for (var i = 1; i <= 5; i++)
        {
            await warm.DeployAsync(warmClient, 1_000 + i);
        }

        var count = quick ? 20 : 100;
        var latencies = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            latencies.Add(await warm.DeployAsync(warmClient, 2_000 + i));
        }

        var p95 = Report.Percentile(latencies, 95);
        report.Add($"chat: /deploy → first card, warm p50 ({count} commands)", Report.Percentile(latencies, 50), "ms");
        report.Add($"chat: /deploy → first card, warm p95 ({count} commands)", p95, "ms", "≤ 300 ms", p95 <= 300);
    }
}
