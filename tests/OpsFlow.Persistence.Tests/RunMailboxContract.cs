using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpsFlow.Engine.Ports;
using OpsFlow.Testing;

namespace OpsFlow.Persistence.Tests;

/// <summary>
/// The mailbox through which a host hands a command to the host driving a run: two hosts on one database, each
/// with its own ownership (its own host id). Run against every database that several hosts may share.
/// </summary>
public abstract class RunMailboxContract : IAsyncLifetime
{
    protected static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);

    protected FakeTimeProvider Clock { get; } = new(RunStoreContractFixtures.T0);

    private IRunOwnership _driver = null!;
    private IRunOwnership _sender = null!;

    protected abstract Task<(IRunOwnership First, IRunOwnership Second)> CreateHostsAsync();

    public async Task InitializeAsync() => (_driver, _sender) = await CreateHostsAsync();

    public abstract Task DisposeAsync();

    [Fact]
    public async Task Letter_IsTakenOnlyByTheHostHoldingTheRun_AndItsAnswerReachesTheSender()
    {
        Assert.True(await _driver.TryClaimAsync("r1", Clock.GetUtcNow() + Lease), "the driver holds the run");
        var id = await _sender.PostAsync("r1", "{\"kind\":\"cancel\"}", Clock.GetUtcNow());

        Assert.Empty(await _sender.TakeAsync());
        var takes = await Task.WhenAll(_driver.TakeAsync(), _driver.TakeAsync());
        var letter = Assert.Single(takes.SelectMany(t => t));
        Assert.Equal(("r1", "{\"kind\":\"cancel\"}"), (letter.RunId, letter.Payload));
        Assert.Equal(new RunLetterState(_driver.HostId, null), await _sender.ReadAsync(id));
        Assert.False(await _sender.TryTakeBackAsync(id), "a taken letter cannot be withdrawn");

        await _driver.AnswerAsync(id, "done", Clock.GetUtcNow());
        Assert.Equal("done", (await _sender.ReadAsync(id))?.Answer);

        await _sender.DeleteAsync(id);
        Assert.Null(await _sender.ReadAsync(id));
    }

    [Fact]
    public async Task UntakenLetter_RacedByTheDriverAndItsSender_GoesToExactlyOne()
    {
        Assert.True(await _driver.TryClaimAsync("r2", Clock.GetUtcNow() + Lease));
        for (var i = 0; i < 10; i++)
        {
            var id = await _sender.PostAsync("r2", $"letter {i}", Clock.GetUtcNow());

            var (taken, takenBack) = (_driver.TakeAsync(), _sender.TryTakeBackAsync(id));
            var driverGot = (await taken).Any(l => l.Id == id);

            Assert.True(driverGot ^ await takenBack, $"letter {i}: exactly one of the driver and the sender has it");
            await _sender.DeleteAsync(id);
        }
    }

    [Fact]
    public async Task LetterPutBack_IsFreeAgain_ForTheHostThatHoldsTheRunNow()
    {
        Assert.True(await _driver.TryClaimAsync("r3", Clock.GetUtcNow() + Lease));
        var id = await _sender.PostAsync("r3", "x", Clock.GetUtcNow());
        Assert.Single(await _driver.TakeAsync());

        await _driver.ReleaseAsync("r3");
        await _driver.PutBackAsync(id);
        Assert.True(await _sender.TryClaimAsync("r3", Clock.GetUtcNow() + Lease), "the run moved to the other host");

        Assert.Equal(id, Assert.Single(await _sender.TakeAsync()).Id);
        Assert.Empty(await _driver.TakeAsync());
    }

    [Fact]
    public async Task LettersADeadSenderLeft_AreDeletedAfterAnHour()
    {
        Assert.True(await _driver.TryClaimAsync("r4", Clock.GetUtcNow() + TimeSpan.FromHours(3)));
        var id = await _sender.PostAsync("r4", "x", Clock.GetUtcNow());
        Assert.Single(await _driver.TakeAsync());
        await _driver.AnswerAsync(id, "done", Clock.GetUtcNow());

        Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        await _driver.TakeAsync();

        Assert.Null(await _sender.ReadAsync(id));
    }
}

[Trait(Categories.Name, Categories.Slow)]
public sealed class PostgresRunMailboxTests : RunMailboxContract
{
    private PostgresDatabase? _first;
    private PostgresDatabase? _second;

    protected override async Task<(IRunOwnership First, IRunOwnership Second)> CreateHostsAsync()
    {
        var connectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync("mailbox");
        _first = await PostgresDatabase.CreateAsync(Clock, connectionString);
        _second = await PostgresDatabase.CreateAsync(Clock, connectionString);
        return (_first.Services.GetRequiredService<IRunOwnership>(), _second.Services.GetRequiredService<IRunOwnership>());
    }

    public override async Task DisposeAsync()
    {
        await (_first?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (_second?.DisposeAsync() ?? ValueTask.CompletedTask);
    }
}

public sealed class SqliteRunMailboxTests : RunMailboxContract
{
    private SqliteDatabase? _first;
    private SqliteDatabase? _second;

    protected override async Task<(IRunOwnership First, IRunOwnership Second)> CreateHostsAsync()
    {
        _first = await SqliteDatabase.CreateAsync(Clock, shared: true);
        _second = await SqliteDatabase.CreateAsync(Clock, _first.Folder, shared: true);
        return (_first.Services.GetRequiredService<IRunOwnership>(), _second.Services.GetRequiredService<IRunOwnership>());
    }

    public override async Task DisposeAsync()
    {
        await (_second?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (_first?.DisposeAsync() ?? ValueTask.CompletedTask);
    }
}
