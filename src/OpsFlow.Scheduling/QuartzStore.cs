using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Engine.Ports;
using Quartz;
using Quartz.Impl.AdoJobStore;
using Quartz.Impl.AdoJobStore.Common;

namespace OpsFlow.Scheduling;

/// <summary>
/// Quartz's job store on the database the persistence provider describes (<see cref="OpsFlowDatabase"/>). Read when the
/// scheduler is created, not when services are registered, so the provider may be registered before or after the
/// scheduler. The provider's migrations create the tables; Quartz only checks them at start (its default), so a
/// database that was not migrated fails the start instead of being half created by a second schema owner.
/// </summary>
internal static class QuartzStore
{
    public static void Use(IPersistentStoreBuilder store)
    {
        // The driver's assembly (Microsoft.Data.Sqlite, Npgsql) comes with the persistence provider, not from here.
        store.UseConnectionProvider(sp =>
        {
            var database = sp.GetRequiredService<OpsFlowDatabase>();
            return new DbProvider(Describe(database).Provider, database.ConnectionString);
        });
        store.UseDriverDelegate(sp => Describe(sp.GetRequiredService<OpsFlowDatabase>()).Delegate());
        store.UseSystemTextJsonSerializer();
    }

    /// <summary>
    /// Hosts sharing the database share the timers, the schedules and the run jobs: a trigger fires on one host, and the
    /// run jobs of a host that stops checking in are recovered by another. SQLite is never shared (Quartz refuses to
    /// cluster on it).
    /// </summary>
    public static void Apply(QuartzOptions quartz, OpsFlowDatabase database, ClusterOptions cluster)
    {
        quartz.Properties["quartz.jobStore.tablePrefix"] = OpsFlowDatabase.SchedulerTablePrefix;
        if (database.SharedByHosts)
        {
            quartz.Properties["quartz.jobStore.clustered"] = "true";
            quartz.Properties["quartz.jobStore.clusterCheckinInterval"] = Milliseconds(cluster.CheckinInterval);
            quartz.Properties["quartz.jobStore.clusterCheckinMisfireThreshold"] = Milliseconds(cluster.CheckinMisfireThreshold);
        }
    }

    private static (string Provider, Func<IDriverDelegate> Delegate) Describe(OpsFlowDatabase database) => database.Kind switch
    {
        DatabaseKind.Sqlite => ("SQLite-Microsoft", () => new SQLiteDelegate()),
        DatabaseKind.PostgreSql => ("Npgsql", () => new PostgreSQLDelegate()),
        _ => throw new InvalidOperationException($"The scheduler has no job store for a {database.Kind} database."),
    };

    private static string Milliseconds(TimeSpan span) => ((long)span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
}
