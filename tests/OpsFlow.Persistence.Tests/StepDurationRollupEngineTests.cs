using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence.Tests;

/// <summary>The rollup kept by the real engine on SQLite, through a retry from failed and a rollback.</summary>
public sealed class StepDurationRollupEngineTests
{
    [Fact]
    public async Task EngineRuns_WithRetryFromFailedAndCompensation_RollupEqualsARebuildFromTheSteps()
    {
        var clock = new FakeTimeProvider(EngineHarness.Start);
        var flaky = true;
        var retried = new WorkflowBuilder("retried");
        var a = retried.Step("a", _ => clock.Advance(TimeSpan.FromSeconds(10)));
        retried.Step("b", _ =>
        {
            clock.Advance(TimeSpan.FromSeconds(flaky ? 20 : 5));
            if (flaky)
            {
                throw new InvalidOperationException("flaky");
            }
        }).After(a);
        var rolled = new WorkflowBuilder("rolled");
        var x = rolled.Step("x", _ => clock.Advance(TimeSpan.FromSeconds(7))).Compensate(_ => clock.Advance(TimeSpan.FromSeconds(3)));
        rolled.Step("y", _ => throw new InvalidOperationException("broken")).After(x);

        await using var database = await SqliteDatabase.CreateAsync(clock);
        await using var harness = new EngineHarness(database.Store, clock, new InMemoryWorkflowCatalog().Add(retried.Build()).Add(rolled.Build()));
        var first = await harness.StartAsync("retried");
        await harness.WaitForRunAsync(first.Id, RunStatus.Failed);
        flaky = false;
        Assert.Equal(CommandOutcome.Done, (await harness.Engine.SendAsync(first.Id, new RunCommand.Retry(EngineHarness.Alice))).Outcome);
        await harness.WaitForRunAsync(first.Id, RunStatus.Succeeded);
        var second = await harness.StartAsync("rolled");
        await harness.WaitForRunAsync(second.Id, RunStatus.RolledBack);

        var month = new ReportRange(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        var live = await database.Reports.GetStepDurationsAsync(month, workflow: null);
        var fromRows = await database.Reports.GetStepDurationsAsync(new ReportRange(EngineHarness.Start, EngineHarness.Start.AddDays(1)), workflow: null);
        await using (var db = await database.Services.GetRequiredService<IDbContextFactory<OpsFlowDbContext>>().CreateDbContextAsync())
        {
            db.PendingBackfills.Add(new PendingBackfillRow { Name = StepDurationRollup.BackfillName });
            await db.SaveChangesAsync();
        }

        await database.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        var rebuilt = await database.Reports.GetStepDurationsAsync(month, workflow: null);

        var b = live.Single(s => s.Step == "b");
        Assert.Equal((2, 5_000.0), (b.Attempts, b.TotalMs));
        Assert.Contains(live, s => s.Step == "x");
        Assert.Equal(fromRows, live);
        Assert.Equal(rebuilt, live);
    }
}
