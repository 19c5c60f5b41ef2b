using OpsFlow.Bot.Api;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Tests.Api;

/// <summary>
/// A run read while it changes: GET /api/runs/{id} and the event stream answer the run, its steps and its history as
/// of one version. (A page once showed a finished run as "running" beside its succeeded last step, for good.)
/// </summary>
public sealed class RunDetailsReaderTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Commits the run's last change while the reader is between the run and its steps.</summary>
    private sealed class FinishesBetweenReads(InMemoryRunStore inner) : DelegatingRunStore(inner)
    {
        private int _reads;

        public override async Task<IReadOnlyList<StepRecord>> GetStepsAsync(string runId, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _reads) == 1)
            {
                var run = (await inner.GetRunAsync(runId, cancellationToken))!;
                var step = (await inner.GetStepsAsync(runId, cancellationToken)).Single();
                await inner.SaveAsync(new RunChange(run with { Status = RunStatus.Succeeded, Version = run.Version + 1, EndedAt = At }, run.Version)
                {
                    Steps = [step with { Status = StepStatus.Succeeded, EndedAt = At }],
                }, cancellationToken);
            }

            return await base.GetStepsAsync(runId, cancellationToken);
        }
    }

    [Fact]
    public async Task AChangeCommittedBetweenTheReads_IsReadWhole_NeverHalfOfEach()
    {
        var store = new InMemoryRunStore();
        var run = new RunRecord
        {
            Id = "r1", Workflow = "deploy", WorkflowVersion = "v1", Status = RunStatus.Running, RequestedById = "olivia",
            RequestedByName = "Olivia", Trigger = "test", CreatedAt = At, HistorySeq = 1, Version = 1, Parameters = new Dictionary<string, string>(),
        };
        await store.CreateRunAsync(new NewRun(run, [new StepRecord { RunId = "r1", Name = "deploy", Position = 0, Status = StepStatus.Running }],
            new HistoryEntry("r1", 1, At, HistoryKind.Run, "olivia", null, null, "Running", "requested")));

        var details = await RunDetailsReader.ReadAsync(new FinishesBetweenReads(store), "r1", CancellationToken.None);

        Assert.NotNull(details);
        Assert.Equal(RunStatus.Succeeded, details.Run.Status);
        Assert.Equal(StepStatus.Succeeded, Assert.Single(details.Steps).Status);
    }
}
