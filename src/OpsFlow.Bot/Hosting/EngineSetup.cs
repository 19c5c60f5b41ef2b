using OpsFlow.Engine.Execution;
using OpsFlow.Persistence;
using OpsFlow.Persistence.Archive;
using OpsFlow.Persistence.Postgres;
using OpsFlow.Persistence.Sqlite;

namespace OpsFlow.Bot.Hosting;

internal static class EngineSetup
{
    /// <summary>
    /// The database from ConnectionStrings:OpsFlow (default: a SQLite file under ./data), on the provider
    /// OpsFlow:Database:Provider names (Sqlite, the default, or Postgres; see docs/scale-out.md).
    /// </summary>
    public static IServiceCollection AddOpsFlowPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        // Archived runs are read from here (docs/retention.md); the scheduler's daily pass writes the files.
        services.AddOptions<ArchiveOptions>()
            .Bind(configuration.GetSection(ArchiveOptions.Section))
            .PostConfigure(options => options.ArchiveFolder = Path.GetFullPath(options.ArchiveFolder));
        var connectionString = configuration.GetConnectionString("OpsFlow");
        var durability = DatabaseSettings.Durability(configuration);
        return DatabaseSettings.IsPostgres(configuration)
            ? services.AddOpsFlowPostgres(options =>
            {
                options.ConnectionString = connectionString ?? "";
                options.HostId = configuration["OpsFlow:Cluster:HostId"];
            })
            : services.AddOpsFlowSqlite(options =>
            {
                options.ConnectionString = connectionString ?? options.ConnectionString;
                options.Durability = durability;
            });
    }

    /// <summary>
    /// The hosted service that migrates, loads workflows and resumes every active run at start, and drains the engine at
    /// stop. Only the long-lived server adds it: a short-lived process (the command line) must not take over runs it did
    /// not start.
    /// </summary>
    public static IServiceCollection AddOpsFlowRecovery(this IServiceCollection services)
    {
        // The host must wait for the engine's grace period, and leave the other services time to stop after it.
        services.AddOptions<HostOptions>().Configure<EngineOptions>((host, engine) =>
            host.ShutdownTimeout = Max(host.ShutdownTimeout, engine.ShutdownGracePeriod + TimeSpan.FromSeconds(15)));
        services.AddHostedService<EngineHostedService>();
        services.AddHostedService<EmergencyStopWatch>();
        return services;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
