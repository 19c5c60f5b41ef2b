using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpsFlow.Engine.Ports;
using OpsFlow.Testing;
using OpsFlow.Chat;

namespace OpsFlow.Persistence.Tests;

/// <summary>
/// Two hosts on one PostgreSQL database, each with its own writer, racing for what must happen once: the database's
/// keys decide, and the loser gets the answer the winner's write implies.
/// </summary>
[Trait(Categories.Name, Categories.Slow)]
public sealed class PostgresRaceTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(RunStoreContractFixtures.T0);
    private PostgresDatabase _first = null!;
    private PostgresDatabase _second = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync("race");
        _first = await PostgresDatabase.CreateAsync(_clock, connectionString);
        _second = await PostgresDatabase.CreateAsync(_clock, connectionString);
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Fact]
    public async Task HostsStartingTogether_OnAnEmptyDatabase_EachFindItMigrated()
    {
        for (var round = 0; round < 4; round++)
        {
            var connectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync("migrate");

            var hosts = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => PostgresDatabase.CreateAsync(_clock, connectionString)));

            foreach (var host in hosts)
            {
                Assert.Empty(await host.Services.GetRequiredService<DatabaseMigrator>().PendingMigrationsAsync());
                await host.DisposeAsync();
            }
        }
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
    public async Task RunLease_OneHostAtATime_UntilReleasedOrExpired()
    {
        var first = _first.Services.GetRequiredService<IRunOwnership>();
        var second = _second.Services.GetRequiredService<IRunOwnership>();
        var lease = TimeSpan.FromSeconds(10);
        Assert.NotEqual(first.HostId, second.HostId);

        var claims = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? first : second).TryClaimAsync("r1", _clock.GetUtcNow() + lease)));
        Assert.True(claims.Count(c => c) is >= 1 and <= 5, "only the claims of one host succeed (it may renew its own)");
        var (holder, other) = await first.HolderAsync("r1", _clock.GetUtcNow()) == first.HostId ? (first, second) : (second, first);
        Assert.False(await other.TryClaimAsync("r1", _clock.GetUtcNow() + lease), "a live lease is not taken");
        Assert.Empty(await holder.RenewAsync(["r1"], _clock.GetUtcNow() + lease));

        _clock.Advance(lease + TimeSpan.FromSeconds(1));
        Assert.Equal(["r1"], await other.ExpiredAsync(_clock.GetUtcNow()));
        Assert.True(await other.TryClaimAsync("r1", _clock.GetUtcNow() + lease), "an expired lease is taken over");
        Assert.Equal(["r1"], await holder.RenewAsync(["r1"], _clock.GetUtcNow() + lease));

        await other.ReleaseAsync("r1");
        Assert.Null(await holder.HolderAsync("r1", _clock.GetUtcNow()));
        Assert.True(await holder.TryClaimAsync("r1", _clock.GetUtcNow() + lease), "a released lease is free");
    }

    [Fact]
    public async Task SameActivity_AcceptedOnTwoHostsAtOnce_IsAcceptedOnce()
    {
        var activity = new InboundActivity("msteams/conv/activity-9", "{}", RunStoreContractFixtures.T0);
        var attempts = Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? _first : _second).Chat.TryAcceptAsync(activity));

        var accepted = await Task.WhenAll(attempts);

        Assert.Equal(1, accepted.Count(a => a));
    }

    [Fact]
    public async Task AuditAppends_FromTwoHostsAtOnce_TakeTurnsOnOneChain()
    {
        // Both writers read the same last entry and insert the same number: the primary key refuses one, which retries.
        var appends = Enumerable.Range(0, 60).Select(i => (i % 2 == 0 ? _first : _second).Audit.AppendAsync(
            new AuditEvent(RunStoreContractFixtures.T0.AddSeconds(i), "approve", AuditOutcome.Done, "ada", ["ada"], "api", "run-1", $"click {i}")));

        await Task.WhenAll(appends);

        var verification = await _second.Audit.VerifyAsync();
        Assert.True(verification.Intact, $"the chain broke at {verification.BrokenAt}: {verification.Problem}");
        Assert.Equal(60, verification.Checked);
        var entries = await _first.Audit.QueryAsync(new AuditQuery(Limit: 100));
        Assert.Equal(Enumerable.Range(1, 60).Select(i => (long)i), entries.Select(e => e.Seq));
        Assert.Equal(60, entries.Select(e => e.Event.Detail).Distinct().Count());
    }
}
