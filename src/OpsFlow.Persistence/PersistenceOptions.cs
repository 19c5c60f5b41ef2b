namespace OpsFlow.Persistence;

/// <summary>Where the database is. Bound from ConnectionStrings:OpsFlow.</summary>
public sealed class PersistenceOptions
{
    /// <summary>The default: a SQLite file under ./data, created on first start.</summary>
    public const string DefaultConnectionString = "Data Source=data/opsflow.db";

    public string ConnectionString { get; set; } = DefaultConnectionString;
}
