using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace OpsFlow.Persistence.Postgres;

public static class PostgresServiceCollectionExtensions
{
    /// <summary>
    /// The EF Core stores on PostgreSQL, with this assembly's migrations, and run leases: several hosts may share the
    /// database (<paramref name="hostId"/> names this one; see AddOpsFlowRunLeases). Call
    /// <see cref="DatabaseMigrator.MigrateAsync"/> at start (hosts starting together take turns: EF holds a database
    /// lock while it migrates).
    /// </summary>
    public static IServiceCollection AddOpsFlowPostgres(this IServiceCollection services, string connectionString, string? hostId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return services.AddOpsFlowStores(options => Configure(options, connectionString)).AddOpsFlowRunLeases(hostId);
    }

    internal static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(typeof(PostgresServiceCollectionExtensions).Assembly.GetName().Name));
}
