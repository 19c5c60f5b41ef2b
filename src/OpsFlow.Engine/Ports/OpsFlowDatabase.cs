namespace OpsFlow.Engine.Ports;

/// <summary>Which database engine an <see cref="OpsFlowDatabase"/> is.</summary>
public enum DatabaseKind
{
    Sqlite,
    PostgreSql,
}

/// <summary>
/// The database OpsFlow keeps its state in, as the persistence provider that owns it describes it (AddOpsFlowSqlite,
/// AddOpsFlowPostgres). Adapters that keep their own tables in the same database (Quartz's job store) read it here
/// rather than choosing a database themselves; the provider's migrations create their tables too, so each database
/// has one schema owner.
/// </summary>
/// <param name="Kind">The database engine.</param>
/// <param name="ConnectionString">How to reach it; holds secrets, never log it as it is.</param>
/// <param name="SharedByHosts">Several hosts may use it at once (they coordinate through it).</param>
public sealed record OpsFlowDatabase(DatabaseKind Kind, string ConnectionString, bool SharedByHosts)
{
    /// <summary>The prefix of the scheduler's tables, which the provider's migrations create (Quartz's default).</summary>
    public const string SchedulerTablePrefix = "QRTZ_";
}
