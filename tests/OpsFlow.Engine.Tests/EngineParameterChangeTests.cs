using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Tests;

/// <summary>Changing a paused run's parameters (issue 21, item 3): who, which values, and the approvals it invalidates.</summary>
public class EngineParameterChangeTests
{
    private static readonly WorkflowDescriptor Release = new("release", "build, approve, deploy, verify",
    [
        new ParameterDefinition("app"),
        new ParameterDefinition("checks", ParameterType.Int) { Default = "1" },
        new ParameterDefinition("smoke", ParameterType.Bool) { Default = "false" },
    ]);

    private static readonly ParameterUse Reads = new(new Dictionary<string, IReadOnlySet<string>>
    {
        ["build"] = new HashSet<string> { "app" },
        ["gate"] = new HashSet<string> { "app" },
        ["deploy"] = new HashSet<string> { "app" },
        ["verify"] = new HashSet<string> { "checks" },
        ["smoke-test"] = new HashSet<string>(),
    });

    private readonly Journal _journal = new();
    private readonly TaskCompletionSource _deployMayEnd = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private EngineHarness Harness(ParameterUse? use)
    {
        var catalog = new InMemoryWorkflowCatalog().Add(Release, Declare, use);
        return new EngineHarness(catalog: catalog);
    }

    /// <summary>The graph as a script would declare it: bodies hold the values they were declared with.</summary>
    private WorkflowDefinition Declare(ParameterValues values)
    {
        var app = values["app"];
        var checks = values.GetInt("checks");
        var workflow = new WorkflowBuilder("release");
        foreach (var parameter in Release.Parameters)
        {
            workflow.Parameter(parameter);
        }

        var build = workflow.Step("build", _ => _journal.Add($"build {app}"));
        var gate = workflow.Approval("gate").After(build).Approvers("role:ops-manager").Timeout(TimeSpan.FromHours(2)).Message($"ship {app}?");
        var deploy = workflow.Step("deploy", async _ =>
        {
            _journal.Add($"deploy {app}");
            await _deployMayEnd.Task;
        }).After(gate);
        var verify = workflow.Step("verify", _ => _journal.Add($"verify {checks}")).After(deploy);
        if (values.GetBool("smoke"))
        {
            workflow.Step("smoke-test", _ => _journal.Add("smoke")).After(verify);
        }

        return workflow.Build();
    }

    private static Task<CommandResult> Change(EngineHarness harness, string runId, Actor who, params (string Name, string? Value)[] values) =>
        harness.Engine.SendAsync(runId, new RunCommand.ChangeParameters(who, values.ToDictionary(v => v.Name, v => v.Value), "fewer checks were a mistake"));

    /// <summary>Started by Alice, approved by Bob, paused while deploy runs: build, gate and deploy are done, verify waits.</summary>
    private async Task<RunRecord> PausedAfterDeployAsync(EngineHarness harness)
    {
        var run = await harness.StartAsync("release", EngineHarness.Alice, ("app", "web"));
        await harness.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);
        Assert.Equal(CommandOutcome.Done, (await harness.Engine.SendAsync(run.Id, new RunCommand.Decide(EngineHarness.Bob, "gate", ApprovalAction.Approve, null))).Outcome);
        await harness.WaitForStepAsync(run.Id, "deploy", StepStatus.Running);
        Assert.Equal(CommandOutcome.Done, (await harness.Engine.SendAsync(run.Id, new RunCommand.Pause(EngineHarness.Alice))).Outcome);
        _deployMayEnd.SetResult();
        await harness.WaitForStepAsync(run.Id, "deploy", StepStatus.Succeeded);
        await harness.SettleAsync();
        return await harness.WaitForRunAsync(run.Id, RunStatus.Paused);
    }

    [Fact]
    public async Task ChangeParameters_OfAPausedRun_RecordsOldAndNew_AndTheApprovalAsksAgainBeforeTheRestRuns()
    {
        await using var harness = Harness(Reads);
        var run = await PausedAfterDeployAsync(harness);

        var result = await Change(harness, run.Id, EngineHarness.Carol, ("checks", "3"));

        Assert.True(result.Outcome == CommandOutcome.Done, result.Message);
        Assert.Equal($"Run {run.Id}'s parameters changed: checks 1 → 3. Approval 'gate' will ask again when the run is resumed. Resume it to go on.", result.Message);
        await harness.SettleAsync();
        var stored = (await harness.Store.GetRunAsync(run.Id))!;
        Assert.Equal(("web", "3", RunStatus.Paused), (stored.Parameters["app"], stored.Parameters["checks"], stored.Status));
        var gate = await harness.StepAsync(run.Id, "gate");
        Assert.True(gate.Status == StepStatus.Pending && gate.Votes.Count == 0, $"the approval given on the old plan must not count: {gate.Status}, {gate.Votes.Count} vote(s)");
        var history = await harness.HistoryTextAsync(run.Id);
        Assert.Contains("parameters changed by Carol (carol): checks 1 → 3 (fewer checks were a mistake)", history, StringComparison.Ordinal);
        Assert.Contains("gate Succeeded->Pending Carol (carol): asks again: the plan changed with the parameters (checks 1 → 3)", history, StringComparison.Ordinal);

        Assert.Equal(CommandOutcome.Done, (await harness.Engine.SendAsync(run.Id, new RunCommand.Resume(EngineHarness.Alice))).Outcome);
        await harness.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);
        await harness.SettleAsync();
        Assert.True(!_journal.Entries.Any(e => e.StartsWith("verify", StringComparison.Ordinal)), $"verify must wait for the new approval, though deploy before it succeeded: {_journal}");

        Assert.Equal(CommandOutcome.Done, (await harness.Engine.SendAsync(run.Id, new RunCommand.Decide(EngineHarness.Dave, "gate", ApprovalAction.Approve, null))).Outcome);
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);
        Assert.Equal(["build web", "deploy web", "verify 3"], _journal.Entries);
        Assert.Equal(1, _journal.Count("deploy web"));
    }

    [Fact]
    public async Task ChangeParameters_OfAValueAFinishedStepRead_IsRefused_NamingTheStepAndWhatMayChange()
    {
        await using var harness = Harness(Reads);
        var run = await PausedAfterDeployAsync(harness);

        var result = await Change(harness, run.Id, EngineHarness.Carol, ("app", "api"));

        Assert.Equal(CommandOutcome.Refused, result.Outcome);
        Assert.Equal("Parameter 'app' was read by step 'build' (Succeeded), which has run with the old value (1 more: 'app' by 'deploy'); only checks, smoke may change now. Start a new run to use other values.", result.Message);
        Assert.Equal("web", (await harness.Store.GetRunAsync(run.Id))!.Parameters["app"]);
        Assert.Equal(StepStatus.Succeeded, (await harness.StepAsync(run.Id, "gate")).Status);
    }

    [Fact]
    public async Task ChangeParameters_WhenTheStepsReadsAreUnknown_RefusesWhatAStartedStepCouldSee()
    {
        await using var harness = Harness(use: null);
        var run = await PausedAfterDeployAsync(harness);

        var result = await Change(harness, run.Id, EngineHarness.Carol, ("checks", "3"));

        Assert.Equal(CommandOutcome.Refused, result.Outcome);
        Assert.StartsWith("Parameter 'checks' was read by step 'build' (Succeeded) (OpsFlow cannot tell which parameters it reads, so it counts all of them)", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangeParameters_ThatWouldChangeTheSteps_IsRefused()
    {
        await using var harness = Harness(Reads);
        var run = await PausedAfterDeployAsync(harness);

        var result = await Change(harness, run.Id, EngineHarness.Carol, ("smoke", "yes"));

        Assert.Equal(CommandOutcome.Refused, result.Outcome);
        Assert.Equal("With smoke changed the workflow has other steps (adds smoke-test); start a new run with those values.", result.Message);
    }

    [Fact]
    public async Task ChangeParameters_IsValidatedLikeAStart()
    {
        await using var harness = Harness(Reads);
        var run = await PausedAfterDeployAsync(harness);

        var result = await Change(harness, run.Id, EngineHarness.Carol, ("checks", "many"), ("colour", "red"));

        Assert.Equal(CommandOutcome.Refused, result.Outcome);
        Assert.Equal("Nothing changed: parameter 'colour': unknown parameter; it takes app, checks, smoke (example: colour=…); parameter 'checks': must be a whole number, got 'many' (example: checks=1).", result.Message);
        var same = await Change(harness, run.Id, EngineHarness.Carol, ("checks", "1"));
        Assert.Equal("Nothing changes: the run has checks=1 already.", same.Message);
    }

    [Fact]
    public async Task ChangeParameters_NeedsAnAdmin_AndAPausedRun_AndIsAuditedEitherWay()
    {
        await using var harness = Harness(Reads);
        var run = await harness.StartAsync("release", EngineHarness.Alice, ("app", "web"));
        await harness.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);

        var byOperator = await Change(harness, run.Id, EngineHarness.Alice, ("checks", "3"));
        var notPaused = await Change(harness, run.Id, EngineHarness.Carol, ("checks", "3"));

        Assert.Equal((CommandOutcome.Forbidden, "Change-parameters needs the admin role, which you do not have."), (byOperator.Outcome, byOperator.Message));
        Assert.Equal(CommandOutcome.Refused, notPaused.Outcome);
        Assert.StartsWith($"Run {run.Id} is WaitingForApproval; pause it first (/pause {run.Id})", notPaused.Message, StringComparison.Ordinal);
        Assert.Equal("1", (await harness.Store.GetRunAsync(run.Id))!.Parameters["checks"]);
        var audit = await harness.Get<IAuditLog>().QueryAsync(new AuditQuery(Action: "change-parameters"));
        Assert.Equal(
            [(AuditOutcome.Forbidden, "Alice"), (AuditOutcome.Refused, "Carol")],
            audit.Select(e => (e.Event.Outcome, e.Event.ActorName)));
        Assert.All(audit, e => Assert.StartsWith("asked checks=3: ", e.Event.Detail, StringComparison.Ordinal));
    }
}
