using OpsFlow.Persistence.Sqlite;

namespace OpsFlow.Bot.Hosting;

/// <summary>
/// Which persistence provider the host registers: OpsFlow:Database:Provider (Sqlite by default, or Postgres). Read when
/// services are registered, since the provider decides which services exist; a wrong name fails the start here.
/// </summary>
internal static class DatabaseSettings
{
    public static bool IsPostgres(IConfiguration configuration)
    {
        var provider = configuration["OpsFlow:Database:Provider"] ?? "Sqlite";
        return provider.ToUpperInvariant() switch
        {
            "SQLITE" => false,
            "POSTGRES" or "POSTGRESQL" => true,
            _ => throw new InvalidOperationException($"OpsFlow:Database:Provider is '{provider}'; use Sqlite (the default) or Postgres."),
        };
    }

    /// <summary>
    /// OpsFlow:Database:Durability: "process" (the default) or "power", what an acknowledged commit survives on SQLite.
    /// PostgreSQL syncs every commit (its synchronous_commit=on), so there both mean "power"; the value is checked anyway.
    /// </summary>
    public static SqliteDurability Durability(IConfiguration configuration)
    {
        var durability = configuration["OpsFlow:Database:Durability"] ?? "process";
        return durability.ToUpperInvariant() switch
        {
            "PROCESS" => SqliteDurability.Process,
            "POWER" => SqliteDurability.Power,
            _ => throw new InvalidOperationException(
                $"OpsFlow:Database:Durability is '{durability}'; use process (the default: a killed process loses nothing) or power (a power cut loses nothing, each commit waits for the disk)."),
        };
    }
}
