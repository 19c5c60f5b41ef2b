using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Tests;

/// <summary>What an attempt's processes used is kept on the step: CPU summed, the largest peak, from the last finished attempt.</summary>
public sealed class ProcessUseRecordTests
{
    [Fact]
    public async Task ProcessUse_OfAnAttempt_IsSummedIntoTheStep_AndARetryReplacesIt()
    {
        await using var harness = new EngineHarness();
        var attempt = 0;
        var workflow = new WorkflowBuilder("build");
        workflow.Step("compile", ctx =>
        {
            attempt++;
            ctx.AddProcessUse(new ProcessUse(TimeSpan.FromMilliseconds(1_500), 100_000_000));
            ctx.AddProcessUse(new ProcessUse(TimeSpan.FromMilliseconds(500), 40_000_000));
            if (attempt == 1)
            {
                throw new InvalidOperationException("compiler crashed");
            }

            ctx.AddProcessUse(new ProcessUse(TimeSpan.FromMilliseconds(250), 300_000_000));
        }).Retry(2, TimeSpan.FromSeconds(10));
        workflow.Step("note", ctx => ctx.Log("no process"));
        harness.Add(workflow.Build());

        var run = await harness.StartAsync("build");
        var waiting = await harness.WaitForStepAsync(run.Id, "compile", StepStatus.Waiting);
        Assert.Equal((2_000L, 100_000_000L), (waiting.CpuMilliseconds, waiting.PeakMemoryBytes));

        harness.Clock.Advance(TimeSpan.FromSeconds(10));
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);
        var compile = await harness.StepAsync(run.Id, "compile");
        var note = await harness.StepAsync(run.Id, "note");
        Assert.Equal((2_250L, 300_000_000L), (compile.CpuMilliseconds, compile.PeakMemoryBytes));
        Assert.Equal((null, null), (note.CpuMilliseconds, note.PeakMemoryBytes));
    }
}
