using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Model;
using static OpsFlow.Scripting.Tests.ShippedWorkflowHarness;

namespace OpsFlow.Scripting.Tests;

/// <summary>
/// workflows/deploy.csx for real: it publishes the sample app, starts it on a free port and health-checks it.
/// These tests exist because the shipped workflows are templates people copy: they must work as written.
/// </summary>
[Collection(ShippedWorkflowsCollection.Name)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes the harness through IAsyncLifetime.DisposeAsync.")]
[Trait(Categories.Name, Categories.Slow)]
public sealed class DeployWorkflowTests : IAsyncLifetime
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly int _port = FreePort();
    private readonly ShippedWorkflowHarness _harness;

    public DeployWorkflowTests() => _harness = new ShippedWorkflowHarness(new Dictionary<string, string?>
    {
        ["deploy:source"] = Path.Combine(WorkflowsPath, "apps", "hello"),
        ["deploy:port"] = _port.ToString(System.Globalization.CultureInfo.InvariantCulture),

        // Enough for the app to start on a busy machine, short enough that the drill's failing check ends soon.
        ["deploy:health-attempts"] = "15",
        ["deploy:health-interval-ms"] = "300",
    });

    private string Home(string env) => Path.Combine(_harness.DataPath, "deploy", "web-app", env);

    public Task InitializeAsync() => _harness.LoadAsync();

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task Deploy_ToDev_PublishesTheReleaseSwitchesCurrentAndServesTheNewVersion()
    {
        var run = await _harness.StartAsync("deploy", Alice, ("app", "web-app"), ("version", "v1.0"), ("env", "dev"));

        await _harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);

        Assert.Equal(StepStatus.Skipped, (await _harness.StepAsync(run.Id, "prod-approval")).Status);
        Assert.True(File.Exists(Path.Combine(Home("dev"), "releases", "v1.0", "hello.dll")), "the release folder must hold the published app");
        Assert.Equal(Path.Combine("releases", "v1.0"), new FileInfo(Path.Combine(Home("dev"), "current")).LinkTarget);
        Assert.Contains("ok v1.0", await Http.GetStringAsync(new Uri($"http://127.0.0.1:{_port}/health")), StringComparison.Ordinal);

        var pid = ReadPid("dev");
        _harness.StopStartedApps();
        Assert.False(_harness.IsOurs(pid), $"the app (pid {pid}) must be stopped by the cleanup");
    }

    [Fact]
    public async Task Deploy_ToProd_WaitsForApprovalWhichTheRequesterCannotGiveAndAnotherManagerCan()
    {
        var run = await _harness.StartAsync("deploy", Alice, ("app", "web-app"), ("version", "v2.0"), ("env", "prod"));
        await _harness.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);
        Assert.False(File.Exists(Path.Combine(Home("prod"), "app.pid")), "nothing may start before the approval");

        var own = await _harness.Engine.SendAsync(run.Id, new RunCommand.Decide(Alice, "prod-approval", ApprovalAction.Approve, "my own change"));
        Assert.True(own.Outcome == CommandOutcome.Forbidden, $"four-eyes: the requester's approval must be refused, got {own.Outcome}: {own.Message}");

        var other = await _harness.Engine.SendAsync(run.Id, new RunCommand.Decide(Bob, "prod-approval", ApprovalAction.Approve, "looks good"));
        Assert.True(other.Outcome == CommandOutcome.Done, $"another ops-manager may approve, got {other.Outcome}: {other.Message}");

        await _harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);
        Assert.Contains("ok v2.0", await Http.GetStringAsync(new Uri($"http://127.0.0.1:{_port}/health")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_DrillRelease_FailsItsHealthCheckAndRollsBackToThePreviousReleaseRunningAgain()
    {
        var first = await _harness.StartAsync("deploy", Alice, ("app", "web-app"), ("version", "v1.0"), ("env", "dev"));
        await _harness.WaitForRunAsync(first.Id, RunStatus.Succeeded);
        var firstPid = ReadPid("dev");

        var drill = await _harness.StartAsync("deploy", Alice, ("app", "web-app"), ("version", "v1.1"), ("env", "dev"), ("drill", "true"));
        await _harness.WaitForRunAsync(drill.Id, RunStatus.RolledBack);

        Assert.Equal(StepStatus.Failed, (await _harness.StepAsync(drill.Id, "health-check")).Status);
        foreach (var step in new[] { "start", "switch", "stop-current" })
        {
            Assert.True((await _harness.StepAsync(drill.Id, step)).Status == StepStatus.Compensated, $"{step} must be compensated");
        }

        Assert.Equal(StepStatus.Succeeded, (await _harness.StepAsync(drill.Id, "build")).Status);
        Assert.Equal(Path.Combine("releases", "v1.0"), new FileInfo(Path.Combine(Home("dev"), "current")).LinkTarget);
        var restarted = ReadPid("dev");
        Assert.NotEqual(firstPid, restarted);
        Assert.True(_harness.IsOurs(restarted), "the previous release must be running again");
        Assert.False(_harness.IsOurs(firstPid), "the first instance was stopped by the drill's stop-current step");
        Assert.Contains("ok v1.0", await Http.GetStringAsync(new Uri($"http://127.0.0.1:{_port}/health")), StringComparison.Ordinal);
    }

    private int ReadPid(string env) =>
        int.Parse(File.ReadAllText(Path.Combine(Home(env), "app.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
}
