using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsFlow.Engine.Ports;
using Microsoft.Extensions.Options;
using OpsFlow.Chat;
using OpsFlow.Persistence.Archive;

namespace OpsFlow.Persistence;

public static class PersistenceServiceCollectionExtensions
{
    /// <summary>
    /// For a provider's registration (AddOpsFlowSqlite, AddOpsFlowPostgres): the EF Core stores on the database that
    /// <paramref name="configure"/> sets up, the provider's description of it (<see cref="OpsFlowDatabase"/>, which the
    /// scheduler reads) and what it does differently (<typeparamref name="TProvider"/>). Call
    /// <see cref="DatabaseMigrator.MigrateAsync"/> at start to apply the provider's migrations.
    /// </summary>
    /// <exception cref="InvalidOperationException">A database is registered already: a host keeps its state in one.</exception>
    public static IServiceCollection AddOpsFlowDatabase<TProvider>(
        this IServiceCollection services, Func<IServiceProvider, OpsFlowDatabase> describe, Action<IServiceProvider, DbContextOptionsBuilder> configure)
        where TProvider : DatabaseProvider
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(describe);
        if (services.Any(d => d.ServiceType == typeof(OpsFlowDatabase)))
        {
            throw new InvalidOperationException(
                "A database is registered already: call one of AddOpsFlowSqlite and AddOpsFlowPostgres, once (OpsFlow:Database:Provider chooses in the host).");
        }

        services.AddSingleton(describe);
        services.AddSingleton<DatabaseProvider, TProvider>();
        services.AddPooledDbContextFactory<OpsFlowDbContext>(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new DatabaseReads(sp.GetRequiredService<IDbContextFactory<OpsFlowDbContext>>(), sp.GetService<DatabaseThreads>()));
        services.TryAddSingleton(sp => new WriteQueue(sp.GetRequiredService<IDbContextFactory<OpsFlowDbContext>>(), sp.GetRequiredService<DatabaseProvider>(), sp.GetService<DatabaseThreads>()));
        // Archived runs (docs/retention.md): the run store reads their detail from the archive folder.
        services.AddOptions<ArchiveOptions>();
        services.TryAddSingleton(sp => new ArchiveFiles(Path.GetFullPath(sp.GetRequiredService<IOptions<ArchiveOptions>>().Value.ArchiveFolder)));
        services.TryAddSingleton<ArchivedRuns>();
        services.TryAddSingleton<IHistoryTiers, EfHistoryTiers>();
        services.TryAddSingleton<IRunStore, EfRunStore>();
        services.TryAddSingleton<IRunReports, EfRunReports>();
        services.TryAddSingleton<IDefinitionSnapshotStore, EfDefinitionSnapshotStore>();
        // The chat channel keeps its state in memory until a database owns it: this replaces that default whichever
        // was registered first, so there is one chat store and it is this one.
        services.RemoveAll<IChatStore>();
        services.AddSingleton<IChatStore, EfChatStore>();
        services.RemoveAll<IPersonalChats>();
        services.AddSingleton<IPersonalChats, EfPersonalChats>();
        // The same for the engine's in-memory audit log: the durable one replaces it, in whichever order they came.
        services.RemoveAll<IAuditLog>();
        services.AddSingleton<IAuditLog, EfAuditLog>();
        services.TryAddSingleton<INoticeOutbox, EfNoticeOutbox>();
        services.RemoveAll<IEmergencyStopStore>();
        services.AddSingleton<IEmergencyStopStore, EfEmergencyStopStore>();
        services.TryAddSingleton<DatabaseMigrator>();
        return services;
    }

    /// <summary>
    /// Run leases in the database, for several hosts sharing it: the engine then drives a run only while this host
    /// holds its lease. <paramref name="hostId"/> names this host in the leases; by default the machine name, the
    /// process id and a random suffix, so that two processes never share one.
    /// </summary>
    public static IServiceCollection AddOpsFlowRunLeases(this IServiceCollection services, string? hostId = null) =>
        services.AddOpsFlowRunLeases(_ => hostId);

    /// <inheritdoc cref="AddOpsFlowRunLeases(IServiceCollection, string?)"/>
    public static IServiceCollection AddOpsFlowRunLeases(this IServiceCollection services, Func<IServiceProvider, string?> hostId)
    {
        ArgumentNullException.ThrowIfNull(hostId);
        services.TryAddSingleton<IRunOwnership>(sp => new EfRunOwnership(
            sp.GetRequiredService<DatabaseReads>(),
            sp.GetRequiredService<WriteQueue>(),
            sp.GetRequiredService<TimeProvider>(),
            hostId(sp) ?? $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("n")[..6]}"));
        return services;
    }
}
