using Microsoft.Extensions.Options;
using Npgsql;

namespace OpsFlow.Persistence.Postgres;

/// <summary>The PostgreSQL database several hosts share (the host binds ConnectionStrings:OpsFlow and OpsFlow:Cluster:HostId here).</summary>
public sealed class PostgresOptions
{
    /// <summary>An Npgsql connection string: Host=db;Database=opsflow;Username=opsflow;Password=…. No default.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>This host's name in run leases; by default the machine name, the process id and a random suffix.</summary>
    public string? HostId { get; set; }
}

/// <summary>A missing or foreign connection string fails the start with what to write instead.</summary>
internal sealed class PostgresOptionsValidator : IValidateOptions<PostgresOptions>
{
    private const string Example = "Host=db;Database=opsflow;Username=opsflow;Password=…";

    public ValidateOptionsResult Validate(string? name, PostgresOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail($"OpsFlow:Database:Provider is Postgres but ConnectionStrings:OpsFlow is empty; give an Npgsql connection string ({Example}).");
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            return string.IsNullOrWhiteSpace(builder.Host)
                ? ValidateOptionsResult.Fail($"OpsFlow:Database:Provider is Postgres but ConnectionStrings:OpsFlow names no Host; give an Npgsql connection string ({Example}).")
                : ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail(
                $"OpsFlow:Database:Provider is Postgres but ConnectionStrings:OpsFlow is not a PostgreSQL connection string ({ex.Message}); give an Npgsql one ({Example}).");
        }
    }
}
