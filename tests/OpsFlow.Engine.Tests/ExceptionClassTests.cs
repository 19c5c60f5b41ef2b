using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Tests;

/// <summary>Which failures are retried: a final StepFailedException is not, RetryOn narrows the types; each failure keeps its stack.</summary>
public sealed class ExceptionClassTests
{
    private static async Task<(StepRecord Step, string History)> RunAsync(Action<StepContext> body, Func<StepBuilder, StepBuilder> policy)
    {
        await using var harness = new EngineHarness();
        var workflow = new WorkflowBuilder("w");
        policy(workflow.Step("work", body));
        harness.Add(workflow.Build());
        var run = await harness.StartAsync("w");
        // Each attempt ends with the run failed or the step waiting for its retry on the fake clock, which is then
        // moved to the retry's time.
        for (var attempt = 1; ; attempt++)
        {
            Assert.True(attempt <= 5, $"run {run.Id} should have failed by now: {await harness.DescribeAsync(run.Id)}");
            await harness.WaitUntilAsync(
                async () => (await harness.Store.GetRunAsync(run.Id))!.Status == RunStatus.Failed
                    || (await harness.StepAsync(run.Id, "work")) is { Status: StepStatus.Waiting } waiting && waiting.Attempt == attempt,
                $"attempt {attempt} to end",
                run.Id);
            if ((await harness.Store.GetRunAsync(run.Id))!.Status == RunStatus.Failed)
            {
                break;
            }

            harness.Clock.Advance((await harness.StepAsync(run.Id, "work")).DueAt!.Value - harness.Clock.GetUtcNow());
        }

        return (await harness.StepAsync(run.Id, "work"), await harness.HistoryTextAsync(run.Id));
    }

    [Fact]
    public async Task AFinalStepFailedException_FailsTheStepAtOnce_WhateverItsRetryPolicy()
    {
        var (step, history) = await RunAsync(_ => throw new StepFailedException("the artifact is corrupt", retry: false), s => s.Retry(3, TimeSpan.FromSeconds(10)));

        Assert.Equal((StepStatus.Failed, 1), (step.Status, step.Attempt));
        Assert.Contains("attempt 1 of 3 failed: the artifact is corrupt (not retried: the step said trying again will not help)", history, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetryOn_RetriesTheListedTypes_AndFailsAtOnceOnOthers()
    {
        var attempts = 0;
        var (listed, _) = await RunAsync(_ => { attempts++; throw new TimeoutException("slow"); }, s => s.Retry(3, TimeSpan.FromSeconds(10)).RetryOn<TimeoutException>());
        var (other, history) = await RunAsync(_ => throw new UnauthorizedAccessException("denied"), s => s.Retry(3, TimeSpan.FromSeconds(10)).RetryOn<TimeoutException>());

        Assert.Equal((3, 3), (listed.Attempt, attempts));
        Assert.Equal(1, other.Attempt);
        Assert.Contains("(not retried: UnauthorizedAccessException is not one of the exceptions the step retries (TimeoutException))", history, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailure_KeepsTheExceptionTypeMessageAndStack_DownToTheStepOnly()
    {
        var (step, _) = await RunAsync(_ => Thrower.Throw(), s => s);

        Assert.StartsWith("System.InvalidOperationException: no disk", step.ErrorDetail, StringComparison.Ordinal);
        Assert.Contains("Thrower.Throw()", step.ErrorDetail, StringComparison.Ordinal);
        Assert.Contains("--- caused by System.IO.IOException: device gone", step.ErrorDetail, StringComparison.Ordinal);
        Assert.DoesNotContain("OpsFlow.Engine.Execution", step.ErrorDetail, StringComparison.Ordinal);
        Assert.Equal("no disk", step.Error);
    }

    private static class Thrower
    {
        public static void Throw()
        {
            try
            {
                throw new IOException("device gone");
            }
            catch (IOException ex)
            {
                throw new InvalidOperationException("no disk", ex);
            }
        }
    }

    [Fact]
    public void RetryOn_WithoutARetryPolicy_OrWithANonException_IsRefused()
    {
        var workflow = new WorkflowBuilder("w");

        Assert.Throws<InvalidOperationException>(() => workflow.Step("a", _ => { }).RetryOn<TimeoutException>());
        Assert.Throws<ArgumentException>(() => workflow.Step("b", _ => { }).Retry(2, TimeSpan.FromSeconds(1)).RetryOn(typeof(string)));
    }
}
