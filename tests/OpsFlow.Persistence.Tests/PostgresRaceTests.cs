using OpsFlow.Engine.Ports;
using OpsFlow.Tests.Shared;
using OpsFlow.Teams.Ports;

namespace OpsFlow.Persistence.Tests;

/// <summary>
/// Two hosts on one PostgreSQL database, each with its own writer, racing for what must happen once: the database's
/// keys decide, and the loser gets the answer the winner's write implies.
/// </summary>
public sealed class PostgresRaceTests : IAsyncLifetime
{
    private PostgresDatabase _first = null!;
    private PostgresDatabase _second = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync("race");
        _first = await PostgresDatabase.CreateAsync(connectionString: connectionString);
        _second = await PostgresDatabase.CreateAsync(connectionString: connectionString);
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Fact]
    public async Task SameRequestId_FromTwoHostsAtOnce_CreatesOneRun()
    {
        var attempts = Enumerable.Range(0, 20).Select(i =>
            (i % 2 == 0 ? _first : _second).Store.CreateRunAsync(RunStoreContractFixtures.NewRun($"r{i}", requestId: "activity-1")));

        var results = await Task.WhenAll(attempts);

        var created = Assert.Single(results.OfType<CreateRunResult.Created>());
        Assert.All(results.OfType<CreateRunResult.Duplicate>(), d => Assert.Equal(created.Run.Id, d.Existing.Id));
        Assert.Equal(19, results.OfType<CreateRunResult.Duplicate>().Count());
        Assert.Equal(1, (await _first.Store.ListRunsAsync(new RunQuery())).Total);
    }

    [Fact]
    public async Task SameLockKey_FromTwoHostsAtOnce_OneRunHoldsIt()
    {
        var attempts = Enumerable.Range(0, 20).Select(i =>
            (i % 2 == 0 ? _first : _second).Store.CreateRunAsync(RunStoreContractFixtures.NewRun($"r{i}", lockKey: "web/prod")));

        var results = await Task.WhenAll(attempts);

        var holder = Assert.Single(results.OfType<CreateRunResult.Created>());
        Assert.True(holder.LockAcquired, "the one run created must hold the key");
        Assert.All(results.OfType<CreateRunResult.LockHeld>(), h => Assert.Equal(holder.Run.Id, h.Holder.Id));
        Assert.Equal(19, results.OfType<CreateRunResult.LockHeld>().Count());
    }

    [Fact]
    public async Task SameActivity_AcceptedOnTwoHostsAtOnce_IsAcceptedOnce()
    {
        var activity = new InboundActivity("msteams/conv/activity-9", "{}", RunStoreContractFixtures.T0);
        var attempts = Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? _first : _second).Chat.TryAcceptAsync(activity));

        var accepted = await Task.WhenAll(attempts);

        Assert.Equal(1, accepted.Count(a => a));
    }
}
