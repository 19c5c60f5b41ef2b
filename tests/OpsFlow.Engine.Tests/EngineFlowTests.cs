using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Tests;

/// <summary>The happy paths of the graph: order, fan-out and fan-in, the parallel limit, branches, outputs.</summary>
public class EngineFlowTests
{
    private readonly Journal _journal = new();

    [Fact]
    public async Task Sequence_RunsStepsInDependencyOrder_AndSucceeds()
    {
        var workflow = new WorkflowBuilder("seq");
        var a = workflow.Step("a", _ => _journal.Add("a"));
        var b = workflow.Step("b", _ => _journal.Add("b")).After(a);
        workflow.Step("c", _ => _journal.Add("c")).After(b);
        await using var harness = new EngineHarness().Add(workflow.Build());

        var run = await harness.StartAsync("seq");
        var done = await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);

        Assert.Equal(["a", "b", "c"], _journal.Entries);
        Assert.NotNull(done.EndedAt);
        var steps = await harness.Store.GetStepsAsync(run.Id);
        Assert.All(steps, s => Assert.Equal(StepStatus.Succeeded, s.Status));
        Assert.All(steps, s => Assert.Equal(1, s.Attempt));
    }

    [Fact]
    public async Task EveryTransition_IsInHistory_WithTimeActorAndReason()
    {
        var workflow = new WorkflowBuilder("one");
        workflow.Step("only", _ => { });
        await using var harness = new EngineHarness().Add(workflow.Build());

        var run = await harness.StartAsync("one", EngineHarness.Alice);
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);

        var history = await harness.Store.GetHistoryAsync(run.Id);
        Assert.Equal(
            ["->Pending", "Pending->Running", "only:Pending->Running", "only:Running->Succeeded", "Running->Succeeded"],
            history.Select(h => $"{(h.Step is null ? string.Empty : h.Step + ":")}{h.From}->{h.To}"));
        Assert.Equal(Enumerable.Range(1, history.Count).Select(i => (long)i), history.Select(h => h.Seq));
        Assert.All(history, h => Assert.Equal(EngineHarness.Start, h.At));
        Assert.Contains("requested by Alice (alice) via test", history[0].Reason, StringComparison.Ordinal);
        Assert.All(history, h => Assert.False(string.IsNullOrWhiteSpace(h.Reason)));
    }

    [Fact]
    public async Task FanOutFanIn_RunsBranchesInParallel_AndJoinsAfterBoth()
    {
        var bothStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = 0;
        async Task Branch(StepContext ctx)
        {
            if (Interlocked.Increment(ref running) == 2)
            {
                bothStarted.TrySetResult();
            }

            // Each branch waits until the other has started: only a parallel engine gets past this.
            await bothStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System);
            _journal.Add(ctx.StepName);
        }

        var workflow = new WorkflowBuilder("fan");
        var start = workflow.Step("start", _ => _journal.Add("start"));
        var left = workflow.Step("left", Branch).After(start);
        var right = workflow.Step("right", Branch).After(start);
        workflow.Step("join", _ => _journal.Add("join")).After(left, right);
        await using var harness = new EngineHarness().Add(workflow.Build());

        var run = await harness.StartAsync("fan");
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);

        Assert.Equal("start", _journal.Entries[0]);
        Assert.Equal("join", _journal.Entries[^1]);
        Assert.Equal(4, _journal.Entries.Count);
    }

    [Fact]
    public async Task ParallelLimit_IsNeverExceeded()
    {
        var current = 0;
        var peak = 0;
        async Task Work(StepContext ctx)
        {
            var now = Interlocked.Increment(ref current);
            InterlockedMax(ref peak, now);
            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System);
            Interlocked.Decrement(ref current);
        }

        var workflow = new WorkflowBuilder("wide").MaxParallelism(2);
        for (var i = 0; i < 6; i++)
        {
            workflow.Step($"s{i}", Work);
        }

        await using var harness = new EngineHarness().Add(workflow.Build());
        var run = await harness.StartAsync("wide");
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);

        Assert.Equal(2, peak);
    }

    [Fact]
    public async Task Branch_RunsThenOrElse_AndTheSkippedSideCountsAsDone()
    {
        var workflow = new WorkflowBuilder("branch")
            .Parameter(new ParameterDefinition("env", ParameterType.Choice) { OneOf = ["dev", "prod"] });
        var check = workflow.Step("check", _ => _journal.Add("check"));
        workflow.Branch(c => c.Parameters["env"] == "prod",
            then: b => b.Step("careful", _ => _journal.Add("careful")).After(check),
            otherwise: b => b.Step("quick", _ => _journal.Add("quick")).After(check));
        workflow.Step("finish", _ => _journal.Add("finish")).After("careful", "quick");
        await using var harness = new EngineHarness().Add(workflow.Build());

        var run = await harness.StartAsync("branch", null, ("env", "dev"));
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);

        Assert.Equal(["check", "quick", "finish"], _journal.Entries);
        var careful = await harness.StepAsync(run.Id, "careful");
        Assert.Equal(StepStatus.Skipped, careful.Status);
    }

    [Fact]
    public async Task When_ReadsAnEarlierOutput_AndSkipWhenDependencySkipped_Propagates()
    {
        var workflow = new WorkflowBuilder("outputs");
        var probe = workflow.Step("probe", ctx => ctx.SetOutput("healthy", "yes"));
        var repair = workflow.Step("repair", _ => _journal.Add("repair")).After(probe).When(c => c.Output("probe", "healthy") != "yes");
        workflow.Step("verify-repair", _ => _journal.Add("verify")).After(repair).SkipWhenDependencySkipped();
        workflow.Step("report", ctx => _journal.Add($"report:{ctx.Output("probe", "healthy")}")).After(repair);
        await using var harness = new EngineHarness().Add(workflow.Build());

        var run = await harness.StartAsync("outputs");
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);

        Assert.Equal(["report:yes"], _journal.Entries);
        Assert.Equal(StepStatus.Skipped, (await harness.StepAsync(run.Id, "verify-repair")).Status);
    }

    [Fact]
    public async Task TypedOutputs_ReadBackAsWritten_InStepsAndConditions_AndTextThatIsNotTheTypeFailsTheReader()
    {
        var workflow = new WorkflowBuilder("typed");
        var probe = workflow.Step("probe", ctx =>
        {
            ctx.SetOutput("count", 3);
            ctx.SetOutput("healthy", false);
            ctx.SetOutput("took", TimeSpan.FromSeconds(90));
            ctx.SetOutput("name", "web-1");
        });
        var repair = workflow.Step("repair", ctx => _journal.Add($"repair {ctx.Output<int>("probe", "count") + 1} {ctx.Output<TimeSpan>("probe", "took")} {ctx.Output<int>("probe", "missing") is null}"))
            .After(probe).When(c => c.Output<bool>("probe", "healthy") == false && c.Output<int>("probe", "count") > 2);
        workflow.Step("misread", ctx => _journal.Add($"misread {ctx.Output<int>("probe", "name")}")).After(repair);
        await using var harness = new EngineHarness().Add(workflow.Build());

        var run = await harness.StartAsync("typed");
        await harness.WaitForRunAsync(run.Id, RunStatus.Failed);

        Assert.Equal(["repair 4 00:01:30 True"], _journal.Entries);
        Assert.Equal("3", (await harness.StepAsync(run.Id, "probe")).Outputs["count"]);
        Assert.Contains("output 'name' of step 'probe' is 'web-1', which is not a whole number", (await harness.StepAsync(run.Id, "misread")).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TypedText_ReadsBackWhatItWrites_AndBooleansAsPeopleTypeThem()
    {
        Assert.True(TypedText.TryParse<double>(TypedText.Format(1.5), out var number) && number == 1.5, "1.5 reads back as one and a half");
        Assert.True(TypedText.TryParse<TimeSpan>(TypedText.Format(TimeSpan.FromMinutes(90)), out var span) && span == TimeSpan.FromMinutes(90));
        Assert.All(["yes", "ON", "1", "true"], word => Assert.True(TypedText.TryParse<bool>(word, out var b) && b, word));
        Assert.All(["no", "off", "0", "False"], word => Assert.True(TypedText.TryParse<bool>(word, out var b) && !b, word));
        Assert.False(TypedText.TryParse<int>("1,000", out _), "a thousands separator is not a whole number");
        Assert.False(TypedText.TryParse<bool>("maybe", out _));
    }

    [Fact]
    public async Task Condition_ThatThrows_FailsItsStepWithTheError()
    {
        var workflow = new WorkflowBuilder("bad-condition");
        workflow.Step("a", _ => { }).When(_ => throw new InvalidOperationException("no such output"));
        await using var harness = new EngineHarness().Add(workflow.Build());

        var run = await harness.StartAsync("bad-condition");
        var failed = await harness.WaitForRunAsync(run.Id, RunStatus.Failed);

        Assert.Contains("no such output", failed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StepLogAndProgress_AreStoredWithTheStep()
    {
        var workflow = new WorkflowBuilder("logs");
        workflow.Step("talk", ctx =>
        {
            ctx.Progress(40, "copying");
            ctx.Log("hello");
            ctx.LogWarning("careful");
        });
        await using var harness = new EngineHarness().Add(workflow.Build());

        var run = await harness.StartAsync("logs");
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);

        var log = await harness.Store.GetStepLogAsync(run.Id, "talk");
        Assert.Equal(["info:hello", "warning:careful"], log.Select(l => $"{l.Level}:{l.Text}"));
        Assert.Equal(100, (await harness.StepAsync(run.Id, "talk")).ProgressPercent);
    }

    [Fact]
    public async Task Start_UnknownWorkflowOrBadParameters_CreatesNothing()
    {
        var workflow = new WorkflowBuilder("typed").Parameter(new ParameterDefinition("count", ParameterType.Int));
        workflow.Step("a", _ => { });
        await using var harness = new EngineHarness().Add(workflow.Build());

        var unknown = await harness.Engine.StartAsync(new StartRunRequest("nope", new Dictionary<string, string?>(), EngineHarness.Alice, "test"));
        var bad = await harness.Engine.StartAsync(new StartRunRequest("typed", new Dictionary<string, string?> { ["count"] = "x" }, EngineHarness.Alice, "test"));

        Assert.Equal(["typed"], Assert.IsType<StartRunResult.UnknownWorkflow>(unknown).Available);
        Assert.Equal("count", Assert.Single(Assert.IsType<StartRunResult.InvalidParameters>(bad).Errors).Parameter);
        Assert.Equal(0, (await harness.Store.ListRunsAsync(new())).Total);
    }

    [Fact]
    public async Task Start_SameRequestIdTwice_StartsOneRun()
    {
        var workflow = new WorkflowBuilder("once");
        workflow.Step("a", _ => _journal.Add("a"));
        await using var harness = new EngineHarness().Add(workflow.Build());
        var request = new StartRunRequest("once", new Dictionary<string, string?>(), EngineHarness.Alice, "chat", RequestId: "activity-1");

        var first = Assert.IsType<StartRunResult.Started>(await harness.Engine.StartAsync(request));
        await harness.WaitForRunAsync(first.Run.Id, RunStatus.Succeeded);
        var second = Assert.IsType<StartRunResult.Duplicate>(await harness.Engine.StartAsync(request));

        Assert.Equal(first.Run.Id, second.Run.Id);
        Assert.Equal(1, _journal.Count("a"));
    }

    [Fact]
    public async Task EveryChange_IsDurableBeforeObserversHearOfIt()
    {
        var workflow = new WorkflowBuilder("observed");
        var a = workflow.Step("a", _ => { });
        workflow.Step("b", _ => { }).After(a);
        var store = new InMemoryRunStore();
        var checker = new DurabilityChecker(store);
        await using var harness = new EngineHarness(store, observers: [checker]).Add(workflow.Build());

        var run = await harness.StartAsync("observed");
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);

        Assert.Equal(3, checker.Checked); // start + a running; a done + b running; b done + run done
        Assert.Empty(checker.Problems);
    }

    /// <summary>On every notification, reads the store: what is announced must be stored already.</summary>
    private sealed class DurabilityChecker(Ports.IRunStore store) : Ports.IRunObserver
    {
        public int Checked { get; private set; }

        public List<string> Problems { get; } = [];

        public async ValueTask OnRunChangedAsync(Ports.RunChanged change, CancellationToken cancellationToken = default)
        {
            Checked++;
            var stored = await store.GetRunAsync(change.Run.Id, cancellationToken);
            if (stored?.Version != change.Run.Version || stored.Status != change.Run.Status)
            {
                Problems.Add($"announced v{change.Run.Version} {change.Run.Status}, stored v{stored?.Version} {stored?.Status}");
            }

            var history = await store.GetHistoryAsync(change.Run.Id, cancellationToken);
            if (change.History.Any(h => !history.Contains(h)))
            {
                Problems.Add($"history announced before it was stored (v{change.Run.Version})");
            }
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
