using Microsoft.AspNetCore.DataProtection;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Telemetry;
using OpsFlow.Persistence;
using OpsFlow.Persistence.Postgres;

namespace OpsFlow.Bot.Hosting;

internal static class EngineSetup
{
    /// <summary>
    /// The database from ConnectionStrings:OpsFlow (default: a SQLite file under ./data), on the provider
    /// OpsFlow:Database:Provider names (Sqlite, the default, or Postgres; see docs/scale-out.md).
    /// </summary>
    public static IServiceCollection AddOpsFlowPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        var database = DatabaseSettings.From(configuration);
        // Sign-in cookies must read the same on every host (and after a host is rebuilt): their keys live in the database.
        services.AddDataProtection().SetApplicationName("OpsFlow").PersistKeysToOpsFlowDatabase();
        return database.IsPostgres
            ? services.AddOpsFlowPostgres(database.ConnectionString, configuration["OpsFlow:Cluster:HostId"])
            : services.AddOpsFlowSqlite(database.ConnectionString);
    }

    /// <summary>The engine and its in-process timers. Nothing here starts or resumes runs by itself.</summary>
    public static IServiceCollection AddOpsFlowEngine(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("OpsFlow:Engine").Get<EngineOptions>() ?? new EngineOptions();
        services.AddSingleton(options);
        // The host must wait for the engine's grace period, and leave the other services time to stop after it.
        services.Configure<HostOptions>(host => host.ShutdownTimeout = Max(host.ShutdownTimeout, options.ShutdownGracePeriod + TimeSpan.FromSeconds(15)));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<InProcessTimers>(sp => new InProcessTimers(
            sp.GetRequiredService<TimeProvider>(),
            () => sp.GetRequiredService<WorkflowEngine>()));
        services.AddSingleton<IWorkflowTimers>(sp => sp.GetRequiredService<InProcessTimers>());
        services.AddSingleton<EngineTelemetry>();
        services.AddSingleton<WorkflowEngine>();
        return services;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>
    /// The hosted service that migrates, loads workflows and resumes every active run at start. Only the long-lived
    /// server adds it: a short-lived process (the command line) must not take over runs it did not start.
    /// </summary>
    public static IServiceCollection AddOpsFlowRecovery(this IServiceCollection services)
    {
        services.AddHostedService<EngineHostedService>();
        return services;
    }
}
