using OpsFlow.Persistence;

namespace OpsFlow.Bot.Hosting;

/// <summary>
/// Which database the host uses: OpsFlow:Database:Provider (Sqlite by default, or Postgres) and
/// ConnectionStrings:OpsFlow. PostgreSQL is what several hosts share: with it, Quartz runs clustered.
/// </summary>
internal sealed record DatabaseSettings(bool IsPostgres, string ConnectionString)
{
    public static DatabaseSettings From(IConfiguration configuration)
    {
        var provider = configuration["OpsFlow:Database:Provider"] ?? "Sqlite";
        var isPostgres = provider.ToUpperInvariant() switch
        {
            "SQLITE" => false,
            "POSTGRES" or "POSTGRESQL" => true,
            _ => throw new InvalidOperationException($"OpsFlow:Database:Provider is '{provider}'; use Sqlite (the default) or Postgres."),
        };
        var connectionString = configuration.GetConnectionString("OpsFlow");
        if (isPostgres && (connectionString is null || connectionString == PersistenceOptions.DefaultConnectionString))
        {
            throw new InvalidOperationException(
                "OpsFlow:Database:Provider is Postgres but ConnectionStrings:OpsFlow is not a PostgreSQL connection string "
                + "(e.g. Host=db;Database=opsflow;Username=opsflow;Password=…).");
        }

        return new DatabaseSettings(isPostgres, connectionString ?? PersistenceOptions.DefaultConnectionString);
    }
}
