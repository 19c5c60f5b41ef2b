using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence.Tests;

/// <summary>Incremental log reads and log retention.</summary>
public abstract partial class RunStoreContract
{
    [Fact]
    public async Task StepLogAfter_ReadsOnlyNewLines_PageByPage()
    {
        var created = Assert.IsType<CreateRunResult.Created>(await Store.CreateRunAsync(NewRun("r1")));
        await Store.SaveAsync(new RunChange(created.Run with { Version = 2 }, 1) { Logs = [Line("r1", "build", "one"), Line("r1", "deploy", "other"), Line("r1", "build", "two")] });

        var first = await Store.GetStepLogAfterAsync("r1", "build", 0, take: 1);
        var second = await Store.GetStepLogAfterAsync("r1", "build", first.Next, take: 10);
        var none = await Store.GetStepLogAfterAsync("r1", "build", second.Next, take: 10);
        await Store.SaveAsync(new RunChange(created.Run with { Version = 3 }, 2) { Logs = [Line("r1", "build", "three")] });
        var later = await Store.GetStepLogAfterAsync("r1", "build", second.Next, take: 10);

        Assert.Equal(("one", true), (Assert.Single(first.Lines).Text, first.More));
        Assert.Equal(("two", false), (Assert.Single(second.Lines).Text, second.More));
        Assert.Equal((0, second.Next), (none.Lines.Count, none.Next));
        Assert.Equal("three", Assert.Single(later.Lines).Text);
    }

    [Fact]
    public async Task TrimStepLogs_DeletesOnlyTheLogsOfRunsThatEndedBefore_KeepingStepsAndHistory()
    {
        var t0 = RunStoreContractFixtures.T0;
        foreach (var (id, ended) in new[] { ("old", (DateTimeOffset?)t0), ("recent", t0.AddDays(2)), ("running", null) })
        {
            var created = Assert.IsType<CreateRunResult.Created>(await Store.CreateRunAsync(NewRun(id)));
            var step = (await Store.GetStepsAsync(id))[0] with { Status = StepStatus.Failed, Attempt = 1, StartedAt = t0, EndedAt = t0, Error = "boom" };
            await Store.SaveAsync(new RunChange(created.Run with { Status = ended is null ? RunStatus.Running : RunStatus.Succeeded, EndedAt = ended, Version = 2 }, 1)
            {
                Steps = [step],
                History = [new HistoryEntry(id, 2, t0, HistoryKind.Step, "system", "build", "Running", "Failed", "boom")],
                Logs = [Line(id, "build", "a"), Line(id, "build", "b"), Line(id, "deploy", "c")],
            });
        }

        var deleted = await Store.TrimStepLogsAsync(t0.AddDays(1));

        Assert.Equal(3, deleted);
        Assert.Empty(await Store.GetStepLogAsync("old", "build"));
        Assert.Empty(await Store.GetStepLogAsync("old", "deploy"));
        Assert.Equal(2, (await Store.GetStepLogAsync("recent", "build")).Count);
        Assert.Equal(2, (await Store.GetStepLogAsync("running", "build")).Count);
        var kept = (await Store.GetStepsAsync("old"))[0];
        Assert.Equal((StepStatus.Failed, "boom", t0), (kept.Status, kept.Error, kept.EndedAt!.Value));
        Assert.Equal(2, (await Store.GetHistoryAsync("old")).Count);
        Assert.Equal(0, await Store.TrimStepLogsAsync(t0.AddDays(1)));
    }

    private static StepLogLine Line(string runId, string step, string text) => new(runId, step, 1, RunStoreContractFixtures.T0, "info", text);
}
