using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence;

public static class PersistenceServiceCollectionExtensions
{
    /// <summary>
    /// The EF Core run store on SQLite. The file's folder is created if missing; call
    /// <see cref="DatabaseMigrator.MigrateAsync"/> at start to apply migrations.
    /// </summary>
    public static IServiceCollection AddOpsFlowSqlite(this IServiceCollection services, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:")
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }

        // Readers use pooled contexts; Microsoft.Data.Sqlite retries a busy database until the command timeout. Its
        // calls block, so they run on threads of their own (DatabaseThreads), not the pool's.
        services.TryAddSingleton<DatabaseThreads>(_ => new DatabaseThreads());
        return services.AddOpsFlowStores(options => options.UseSqlite(builder.ConnectionString));
    }

    /// <summary>
    /// The EF Core stores on the database <paramref name="configure"/> chooses: how each provider registers
    /// (AddOpsFlowSqlite here, AddOpsFlowPostgres in OpsFlow.Persistence.Postgres).
    /// </summary>
    public static IServiceCollection AddOpsFlowStores(this IServiceCollection services, Action<DbContextOptionsBuilder> configure)
    {
        services.AddPooledDbContextFactory<OpsFlowDbContext>(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new DatabaseReads(sp.GetRequiredService<IDbContextFactory<OpsFlowDbContext>>(), sp.GetService<DatabaseThreads>()));
        services.TryAddSingleton(sp => new WriteQueue(sp.GetRequiredService<IDbContextFactory<OpsFlowDbContext>>(), sp.GetService<DatabaseThreads>()));
        services.TryAddSingleton<IRunStore, EfRunStore>();
        services.TryAddSingleton<IRunReports, EfRunReports>();
        services.TryAddSingleton<IDefinitionSnapshotStore, EfDefinitionSnapshotStore>();
        services.TryAddSingleton<OpsFlow.Teams.Ports.IChatStore, EfChatStore>();
        services.TryAddSingleton<DatabaseMigrator>();
        return services;
    }

    /// <summary>
    /// Run leases in the database, for several hosts sharing it: the engine then drives a run only while this host
    /// holds its lease. <paramref name="hostId"/> names this host in the leases; by default the machine name, the
    /// process id and a random suffix, so that two processes never share one.
    /// </summary>
    public static IServiceCollection AddOpsFlowRunLeases(this IServiceCollection services, string? hostId = null)
    {
        hostId ??= $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("n")[..6]}";
        services.TryAddSingleton<IRunOwnership>(sp => new EfRunOwnership(
            sp.GetRequiredService<DatabaseReads>(),
            sp.GetRequiredService<WriteQueue>(),
            sp.GetRequiredService<TimeProvider>(),
            hostId));
        return services;
    }
}
