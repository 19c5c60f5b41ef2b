using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpsFlow.Engine.Ports;
namespace OpsFlow.Persistence.Sqlite;

public static class SqliteServiceCollectionExtensions
{
    /// <summary>The EF Core stores on the SQLite file <paramref name="connectionString"/> names.</summary>
    public static IServiceCollection AddOpsFlowSqlite(this IServiceCollection services, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return services.AddOpsFlowSqlite(options => options.ConnectionString = connectionString);
    }

    /// <summary>
    /// The EF Core stores on SQLite, with this assembly's migrations (they create the scheduler's tables too), and the
    /// description the scheduler reads (<see cref="OpsFlowDatabase"/>: not shared, since SQLite cannot be clustered,
    /// one host per file). The options are checked at start; the file's folder is created before the first connection,
    /// and <see cref="DatabaseMigrator.MigrateAsync"/> applies the migrations.
    /// </summary>
    public static IServiceCollection AddOpsFlowSqlite(this IServiceCollection services, Action<SqliteOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<SqliteOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteOptions>, SqliteOptionsValidator>());
        // Microsoft.Data.Sqlite's calls block (it has no asynchronous I/O), so they run on threads of their own, not
        // the pool's; readers use pooled contexts, and the driver retries a busy database until the command timeout.
        services.TryAddSingleton<DatabaseThreads>(_ => new DatabaseThreads());
        services.TryAddSingleton<Backups.IDatabaseBackup, SqliteBackup>();
        return services.AddOpsFlowDatabase<SqliteProvider>(
            sp => new OpsFlowDatabase(DatabaseKind.Sqlite, ConnectionString(sp), SharedByHosts: false),
            (sp, db) =>
            {
                // Once, when the contexts' options are first built: before any connection opens.
                var connectionString = ConnectionString(sp);
                SqliteProvider.CreateFolder(connectionString);
                Configure(db, connectionString);
            });
    }

    internal static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString, sqlite => sqlite.MigrationsAssembly(typeof(SqliteProvider).Assembly.GetName().Name));

    private static string ConnectionString(IServiceProvider services) => services.GetRequiredService<IOptions<SqliteOptions>>().Value.ConnectionString;
}
