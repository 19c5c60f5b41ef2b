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
}
