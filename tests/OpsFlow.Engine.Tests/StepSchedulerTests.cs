using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Tests;

/// <summary>
/// The graph rules without an engine: the scheduler is handed step states and a time and says what happens next. The
/// engine tests prove the same rules end to end; these pin each rule on its own, including the order decisions come in.
/// </summary>
public sealed class StepSchedulerTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static readonly ParameterValues NoParameters = new(new Dictionary<string, string>());

    private static Dictionary<string, StepRecord> States(WorkflowDefinition definition, params (string Step, StepStatus Status)[] changed)
    {
        var steps = definition.Steps.Select((s, i) => new StepRecord { RunId = "r1", Name = s.Name, Position = i, Status = StepStatus.Pending })
            .ToDictionary(s => s.Name, StringComparer.Ordinal);
        foreach (var (step, status) in changed)
        {
            steps[step] = steps[step] with { Status = status, Attempt = status == StepStatus.Pending ? 0 : 1 };
        }

        return steps;
    }

    /// <summary>What the scheduler starts or decides in a run that has done nothing yet, four steps at a time.</summary>
    private static IReadOnlyList<StepDecision> ReadyFromTheStart(WorkflowBuilder workflow)
    {
        var definition = workflow.Build();
        return new StepScheduler(definition, NoParameters).Ready(States(definition), Now, limit: 4);
    }

    private static string Describe(IEnumerable<StepDecision> decisions) =>
        string.Join(", ", decisions.Select(d => $"{d.GetType().Name} {d.Step}"));

    private static void Expect(string expected, IEnumerable<StepDecision> decisions, string because)
    {
        var actual = Describe(decisions);
        Assert.True(expected == actual, $"{because}: expected [{expected}], got [{actual}]");
    }

    [Fact]
    public void Ready_FreshFanOut_StartsEveryStepWithoutDependenciesInDeclarationOrder()
    {
        var w = new WorkflowBuilder("fan");
        var a = w.Step("a", _ => { });
        var b = w.Step("b", _ => { });
        w.Step("join", _ => { }).After(a, b);

        var decisions = ReadyFromTheStart(w);

        Expect("Start a, Start b", decisions, "the join waits for both branches");
    }

    [Fact]
    public void Ready_ParallelLimitReached_StartsOnlyWhatFitsBesideTheRunningSteps()
    {
        var w = new WorkflowBuilder("wide");
        foreach (var name in new[] { "a", "b", "c", "d" })
        {
            w.Step(name, _ => { });
        }

        var definition = w.Build();

        var decisions = new StepScheduler(definition, NoParameters).Ready(States(definition, ("a", StepStatus.Running)), Now, limit: 2);

        Expect("Start b", decisions, "one step runs already and the limit is two");
    }

    [Fact]
    public void Ready_ConditionFalse_SkipsTheStepAndLetsItsDependentGoInTheSameCall()
    {
        var w = new WorkflowBuilder("branch");
        // Declared before the step it depends on, so only a second pass over the graph can start it.
        w.Step("after", _ => { }).After("maybe");
        w.Step("maybe", _ => { }).When(() => false);

        var decisions = ReadyFromTheStart(w);

        Expect("Skip maybe, Start after", decisions, "a skipped step counts as done for the steps after it");
    }

    [Fact]
    public void Ready_DependencySkipped_SkipsAStepThatAsksForItAndNamesTheDependency()
    {
        var w = new WorkflowBuilder("skip");
        var maybe = w.Step("maybe", _ => { }).When(() => false);
        w.Step("strict", _ => { }).After(maybe).SkipWhenDependencySkipped();

        var decisions = ReadyFromTheStart(w);

        Expect("Skip maybe, Skip strict", decisions, "SkipWhenDependencySkipped opts out of counting a skip as done");
        Assert.True(decisions[1].Reason.Contains("'maybe'", StringComparison.Ordinal), $"the reason names the skipped dependency: {decisions[1].Reason}");
    }

    [Fact]
    public void Ready_ConditionThrows_FailsThatStepAndTheFailureIsFatal()
    {
        var w = new WorkflowBuilder("throws");
        w.Step("bad", _ => { }).When(() => throw new InvalidOperationException("no such output"));
        var definition = w.Build();
        var scheduler = new StepScheduler(definition, NoParameters);
        var steps = States(definition);

        var decisions = scheduler.Ready(steps, Now, limit: 4);

        Expect("ConditionFailed bad", decisions, "a condition is user code; its exception fails its step");
        Assert.True(((StepDecision.ConditionFailed)decisions[0]).Error == "InvalidOperationException: no such output", "the error names the exception and its message");
        steps["bad"] = steps["bad"] with { Status = StepStatus.Failed };
        Assert.True(scheduler.FirstFatalFailure(steps)?.Name == "bad", "a failed step without ContinueOnError fails the run");
    }

    [Fact]
    public void Ready_ContinueOnErrorFailure_CountsAsDoneAndIsNotFatal()
    {
        var w = new WorkflowBuilder("ignorable");
        var notify = w.Step("notify", _ => { }).ContinueOnError();
        w.Step("next", _ => { }).After(notify);
        var definition = w.Build();
        var scheduler = new StepScheduler(definition, NoParameters);
        var steps = States(definition, ("notify", StepStatus.Failed));

        Expect("Start next", scheduler.Ready(steps, Now, limit: 4), "an ignorable failure lets its dependents go");
        Assert.True(scheduler.FirstFatalFailure(steps) is null, "an ignorable failure does not fail the run");
    }

    [Fact]
    public void Ready_RetryDue_StartsTheNextAttemptAndSaysHowLateItIs()
    {
        var w = new WorkflowBuilder("retry");
        w.Step("flaky", _ => { }).Retry(max: 3, initialDelay: TimeSpan.FromSeconds(30));
        var definition = w.Build();
        var scheduler = new StepScheduler(definition, NoParameters);
        var steps = States(definition);
        steps["flaky"] = steps["flaky"] with { Status = StepStatus.Waiting, Attempt = 1, DueAt = Now.AddMinutes(-2) };

        var decisions = scheduler.Ready(steps, Now, limit: 4);

        Expect("Start flaky", decisions, "a retry whose time has come starts");
        Assert.True(decisions[0].Reason.StartsWith("retry: attempt 2 of 3 (due ", StringComparison.Ordinal), $"the reason says which attempt and that it is late: {decisions[0].Reason}");
        Assert.True(scheduler.Ready(steps, Now.AddMinutes(-3), limit: 4).Count == 0, "a retry before its due time waits");
    }

    [Fact]
    public void Ready_Approval_WaitsWithADeadlineCountedFromTheGivenTime()
    {
        var w = new WorkflowBuilder("gate");
        w.Approval("ok").Approvers("role:ops-manager").Timeout(TimeSpan.FromHours(2));

        var decisions = ReadyFromTheStart(w);

        var request = Assert.IsType<StepDecision.RequestApproval>(Assert.Single(decisions));
        Assert.True(request.Due == Now.AddHours(2), $"the deadline is the timeout after now, not {request.Due:u}");
        Assert.True(request.Reason.Contains("role:ops-manager", StringComparison.Ordinal), $"the request names the approvers: {request.Reason}");
    }

    [Fact]
    public void Ready_LeavesTheRecordsItIsGivenAsTheyWere()
    {
        var w = new WorkflowBuilder("pure");
        w.Checkpoint("mark");
        w.Step("after", _ => { }).After("mark");
        var definition = w.Build();
        var steps = States(definition);
        var before = steps.Values.ToArray();

        var decisions = new StepScheduler(definition, NoParameters).Ready(steps, Now, limit: 4);

        Expect("PassCheckpoint mark, Start after", decisions, "a checkpoint passes at once and lets its dependents go");
        Assert.True(before.SequenceEqual(steps.Values), "the scheduler decides; the coordinator records");
    }

    [Fact]
    public void Settle_EveryStepDone_SucceedsAndCountsTheSteps()
    {
        var w = new WorkflowBuilder("done");
        w.Step("a", _ => { });
        w.Step("b", _ => { }).When(() => false);
        var definition = w.Build();

        var verdict = new StepScheduler(definition, NoParameters).Settle(States(definition, ("a", StepStatus.Succeeded), ("b", StepStatus.Skipped)));

        Assert.True(verdict == new RunVerdict(RunStatus.Succeeded, "all 2 steps done"), $"succeeded and skipped steps are done: {verdict}");
    }

    [Fact]
    public void Settle_OnlyApprovalsWait_WaitsForApprovalButNotWhileARetryIsPending()
    {
        var w = new WorkflowBuilder("wait");
        w.Approval("ok");
        w.Step("flaky", _ => { }).Retry(max: 2, initialDelay: TimeSpan.FromSeconds(5));
        var definition = w.Build();
        var scheduler = new StepScheduler(definition, NoParameters);

        var waiting = scheduler.Settle(States(definition, ("ok", StepStatus.Waiting), ("flaky", StepStatus.Succeeded)));
        var retrying = scheduler.Settle(States(definition, ("ok", StepStatus.Waiting), ("flaky", StepStatus.Waiting)));

        Assert.True(waiting == new RunVerdict(RunStatus.WaitingForApproval, "waiting for approval of ok"), $"nothing else runs: {waiting}");
        Assert.True(retrying is null, "a step waiting for its retry keeps the run Running");
    }

    [Fact]
    public void CompensationQueue_StopsAtTheLatestCheckpointAndGoesNewestFirst()
    {
        var w = new WorkflowBuilder("undo");
        w.Step("early", _ => { }).Compensate(_ => { });
        w.Checkpoint("mark").After("early");
        w.Step("first", _ => { }).After("mark").Compensate(_ => { });
        w.Step("plain", _ => { }).After("mark");
        w.Step("second", _ => { }).After("mark").Compensate(_ => { });
        var definition = w.Build();
        var steps = States(definition);
        var order = new[] { "early", "mark", "second", "plain", "first" };
        for (var i = 0; i < order.Length; i++)
        {
            steps[order[i]] = steps[order[i]] with { Status = StepStatus.Succeeded, CompletedSeq = i + 1 };
        }

        var scheduler = new StepScheduler(definition, NoParameters);
        var queue = scheduler.CompensationQueue(steps).Select(s => s.Name).ToArray();

        Assert.True(queue.SequenceEqual(["first", "second"]), $"newest first, only steps with a compensation, none before the checkpoint: {string.Join(", ", queue)}");
        steps["first"] = steps["first"] with { Status = StepStatus.Compensating };
        Assert.True(scheduler.NextCompensation(steps, out var complete) is null && !complete, "compensations run one at a time");
    }

    [Fact]
    public void NextCompensation_NothingLeftToUndo_SaysTheRollbackIsComplete()
    {
        var w = new WorkflowBuilder("undone");
        w.Step("a", _ => { }).Compensate(_ => { });
        var definition = w.Build();

        var next = new StepScheduler(definition, NoParameters).NextCompensation(States(definition, ("a", StepStatus.Compensated)), out var complete);

        Assert.True(next is null && complete, "a compensated step is not undone twice");
    }

    [Fact]
    public void RetryDelay_FollowsTheBackoffAndEndsWithTheLastAttempt()
    {
        var w = new WorkflowBuilder("backoff");
        w.Step("flaky", _ => { }).Retry(max: 3, initialDelay: TimeSpan.FromSeconds(30), backoff: 2.0);
        w.Step("once", _ => { });
        var scheduler = new StepScheduler(w.Build(), NoParameters);

        Assert.True(scheduler.RetryDelay("flaky", 1) == TimeSpan.FromSeconds(30), "the first retry waits the initial delay");
        Assert.True(scheduler.RetryDelay("flaky", 2) == TimeSpan.FromSeconds(60), "each retry waits backoff times longer");
        Assert.True(scheduler.RetryDelay("flaky", 3) is null, "three attempts in all, then the step fails");
        Assert.True(scheduler.RetryDelay("once", 1) is null, "a step without a retry policy gets one attempt");
    }
}
