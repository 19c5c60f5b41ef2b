using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Setup;
using OpsFlow.Persistence;
using OpsFlow.Persistence.Sqlite;
using Quartz;

namespace OpsFlow.Scheduling.Tests;

/// <summary>
/// The scheduler takes its store from the persistence provider's description of the database, whichever was
/// registered first, and clusters exactly when the provider says hosts share it.
/// </summary>
public sealed class QuartzStoreTests
{
    [Fact]
    public async Task AnUnsharedDatabase_RegisteredAfterTheScheduler_GivesAnUnclusteredStoreOnIt()
    {
        var file = Path.Combine(SchedulingHost.NewFolder(), "opsflow.db");
        await using var services = Services(new ServiceCollection().AddOpsFlowScheduling().AddOpsFlowSqlite($"Data Source={file}"));
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync();

        var scheduler = await services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var metadata = await scheduler.GetMetadata();

        Assert.True(metadata.JobStorePersistent);
        Assert.False(metadata.JobStoreClustered);
        Assert.False(services.GetRequiredService<ClusterOptions>().Enabled);
        await scheduler.Shutdown();
    }

    [Fact]
    public async Task ADatabaseSaidToBeShared_IsClustered_WhichQuartzRefusesOnSqlite()
    {
        var file = Path.Combine(SchedulingHost.NewFolder(), "opsflow.db");
        await using (var sqlite = new ServiceCollection().AddOpsFlowSqlite($"Data Source={file}").BuildServiceProvider())
        {
            await sqlite.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        }

        await using var services = Services(new ServiceCollection()
            .AddSingleton(new OpsFlowDatabase(DatabaseKind.Sqlite, $"Data Source={file}", SharedByHosts: true))
            .AddOpsFlowScheduling());

        Assert.True(services.GetRequiredService<ClusterOptions>().Enabled);
        // Quartz's refusal proves the clustering setting reached its store: a shared PostgreSQL gets the same setting.
        var refusal = await Assert.ThrowsAnyAsync<Exception>(async () => await services.GetRequiredService<ISchedulerFactory>().GetScheduler());
        Assert.Contains("cluster", refusal.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    private static ServiceProvider Services(IServiceCollection services) => services
        .AddLogging(logging => logging.ClearProviders())
        .AddSingleton<IRunStore>(new InMemoryRunStore())
        .AddSingleton<IWorkflowCatalog>(new InMemoryWorkflowCatalog())
        .AddOpsFlowEngine()
        .BuildServiceProvider();
}
