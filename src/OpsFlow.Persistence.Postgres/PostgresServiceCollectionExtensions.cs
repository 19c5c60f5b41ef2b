using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence.Postgres;

public static class PostgresServiceCollectionExtensions
{
    /// <summary>The EF Core stores on the PostgreSQL database <paramref name="connectionString"/> names; <paramref name="hostId"/> names this host.</summary>
    public static IServiceCollection AddOpsFlowPostgres(this IServiceCollection services, string connectionString, string? hostId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return services.AddOpsFlowPostgres(options =>
        {
            options.ConnectionString = connectionString;
            options.HostId = hostId;
        });
    }

    /// <summary>
    /// The EF Core stores on PostgreSQL, with this assembly's migrations (they create the scheduler's tables too), run
    /// leases (several hosts may share the database; <see cref="PostgresOptions.HostId"/> names this one) and the
    /// description the scheduler reads (<see cref="OpsFlowDatabase"/>: shared, so Quartz runs clustered). The options
    /// are checked at start. Call <see cref="DatabaseMigrator.MigrateAsync"/> at start: hosts starting together take turns.
    /// </summary>
    public static IServiceCollection AddOpsFlowPostgres(this IServiceCollection services, Action<PostgresOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<PostgresOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresOptions>, PostgresOptionsValidator>());
        services.TryAddSingleton<Backups.IDatabaseBackup, PostgresBackup>();
        return services
            .AddOpsFlowDatabase<PostgresProvider>(
                sp => new OpsFlowDatabase(DatabaseKind.PostgreSql, Options(sp).ConnectionString, SharedByHosts: true),
                (sp, db) => Configure(db, Options(sp).ConnectionString))
            .AddOpsFlowRunLeases(sp => Options(sp).HostId);
    }

    internal static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(typeof(PostgresServiceCollectionExtensions).Assembly.GetName().Name));

    private static PostgresOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<PostgresOptions>>().Value;
}
