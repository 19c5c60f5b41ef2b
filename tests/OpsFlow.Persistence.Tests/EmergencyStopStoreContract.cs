using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence.Tests;

/// <summary>What every <see cref="IEmergencyStopStore"/> must do: none at first, the latest stop kept, lifted with null.</summary>
public abstract class EmergencyStopStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 1, 0, 0, TimeSpan.Zero);

    protected IEmergencyStopStore Stops { get; private set; } = null!;

    public async Task InitializeAsync() => Stops = await CreateAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected abstract Task<IEmergencyStopStore> CreateAsync();

    [Fact]
    public async Task Set_KeepsTheLatestStop_AndNullLiftsIt()
    {
        Assert.Null(await Stops.GetAsync());

        await Stops.SetAsync(new EmergencyStopState("user-id-1", "Megan Bowen", "database failover", T0));
        await Stops.SetAsync(new EmergencyStopState("user-id-9", "Nestor Wilke", "network partition", T0.AddMinutes(5)));
        Assert.Equal(new EmergencyStopState("user-id-9", "Nestor Wilke", "network partition", T0.AddMinutes(5)), await Stops.GetAsync());

        await Stops.SetAsync(null);
        await Stops.SetAsync(null);
        Assert.Null(await Stops.GetAsync());
    }
}

public sealed class InMemoryEmergencyStopStoreTests : EmergencyStopStoreContract
{
    protected override Task<IEmergencyStopStore> CreateAsync() => Task.FromResult<IEmergencyStopStore>(new InMemoryEmergencyStopStore());
}

public sealed class SqliteEmergencyStopStoreTests : EmergencyStopStoreContract
{
    private SqliteDatabase? _database;

    protected override async Task<IEmergencyStopStore> CreateAsync()
    {
        _database = await SqliteDatabase.CreateAsync();
        return _database.EmergencyStops;
    }

    public override async Task DisposeAsync() => await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
}

[Trait(Categories.Name, Categories.Slow)]
public sealed class PostgresEmergencyStopStoreTests : EmergencyStopStoreContract
{
    private PostgresDatabase? _database;

    protected override async Task<IEmergencyStopStore> CreateAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        return _database.EmergencyStops;
    }

    public override async Task DisposeAsync() => await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
}
