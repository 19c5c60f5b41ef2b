using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence.Tests;

/// <summary>
/// The SQLite store saves concurrent changes together (group commit). Why this class exists: one bad change
/// in a batch must fail alone, and every other change in that batch must still be saved.
/// </summary>
public sealed class GroupCommitTests : IAsyncLifetime
{
    private SqliteDatabase _database = null!;

    public async Task InitializeAsync() => _database = await SqliteDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task ConcurrentSaves_WithOneStaleVersion_OnlyTheStaleOneFails()
    {
        var store = _database.Store;
        var runs = new List<RunRecord>();
        for (var i = 0; i < 50; i++)
        {
            var made = await store.CreateRunAsync(RunStoreContractFixtures.NewRun($"r{i}"));
            runs.Add(((CreateRunResult.Created)made).Run);
        }

        // Hold the writer on one write so that the 50 saves queue up behind it and are written as one batch.
        var queue = _database.Services.GetRequiredService<WriteQueue>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = queue.RunAsync(async (_, _) => { await gate.Task; return true; }, CancellationToken.None);
        var before = queue.Counts;
        var saves = runs.Select((run, i) =>
        {
            var expected = i == 17 ? 99 : run.Version; // run 17 claims a version it does not have
            var history = new HistoryEntry(run.Id, 2, run.CreatedAt, HistoryKind.Run, "t", null, "Pending", "Running", "go");
            return store.SaveAsync(new RunChange(run with { Status = RunStatus.Running, Version = run.Version + 1, HistorySeq = 2 }, expected) { History = [history] });
        }).ToArray();
        gate.SetResult();
        await holding;

        var stale = await Assert.ThrowsAsync<ConcurrencyException>(() => saves[17]);
        await Task.WhenAll(saves.Where((_, i) => i != 17));
        // The counters move just after a batch's tasks complete: wait until they count the held write and every save.
        await Wait.UntilAsync(() => queue.Counts.Writes - before.Writes >= saves.Length + 1, "the write queue to count every write");
        var batches = queue.Counts.Batches - before.Batches;
        Assert.True(batches <= 2, $"the 50 saves took {batches} batches: they were not grouped, so this test proved nothing");
        Assert.Contains("r17", stale.Message, StringComparison.Ordinal);
        await Task.WhenAll(saves.Where((_, i) => i != 17));
        for (var i = 0; i < runs.Count; i++)
        {
            var stored = await store.GetRunAsync($"r{i}");
            Assert.Equal(i == 17 ? RunStatus.Pending : RunStatus.Running, stored!.Status);
            Assert.Equal(i == 17 ? 1 : 2, (await store.GetHistoryAsync($"r{i}")).Count);
        }
    }
}
