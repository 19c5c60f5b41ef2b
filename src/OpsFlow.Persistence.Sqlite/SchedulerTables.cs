namespace OpsFlow.Persistence.Sqlite;

/// <summary>The create script Quartz embeds for this database, which the Initial migration runs (<see cref="SchedulerSchema"/>).</summary>
internal static class SchedulerTables
{
    private const string Resource = "Quartz.Impl.AdoJobStore.Schema.create_sqlite.sql";

    public static Stream Script() =>
        typeof(Quartz.IScheduler).Assembly.GetManifestResourceStream(Resource)
        ?? throw new InvalidOperationException($"Quartz no longer embeds {Resource}: the scheduler's tables need a migration written for this Quartz version.");
}
