using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace OpsFlow.Persistence.Sqlite;

/// <summary>The SQLite database (the host binds ConnectionStrings:OpsFlow here).</summary>
public sealed class SqliteOptions
{
    /// <summary>The default: a SQLite file under ./data, created on first start.</summary>
    public const string DefaultConnectionString = "Data Source=data/opsflow.db";

    /// <summary>A Microsoft.Data.Sqlite connection string naming a file. Default <see cref="DefaultConnectionString"/>.</summary>
    public string ConnectionString { get; set; } = DefaultConnectionString;

    /// <summary>What an acknowledged commit survives (OpsFlow:Database:Durability); <see cref="SqliteDurability.Process"/> by default.</summary>
    public SqliteDurability Durability { get; set; } = SqliteDurability.Process;
}

/// <summary>What a commit OpsFlow acknowledged survives on SQLite (README, "Durability").</summary>
public enum SqliteDurability
{
    /// <summary>
    /// synchronous=NORMAL in WAL: a killed process (kill -9, a crash, an OOM kill) loses nothing; a power cut or a
    /// kernel crash may lose the last commits before the next checkpoint, never consistency. Faster.
    /// </summary>
    Process,

    /// <summary>synchronous=FULL: every commit is on the disk (fsync) before it is acknowledged, so a power cut loses nothing acknowledged.</summary>
    Power,
}

/// <summary>A connection string SQLite cannot use fails the start, not the first write.</summary>
internal sealed class SqliteOptionsValidator : IValidateOptions<SqliteOptions>
{
    public ValidateOptionsResult Validate(string? name, SqliteOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail($"ConnectionStrings:OpsFlow is empty; give a SQLite file such as '{SqliteOptions.DefaultConnectionString}' (the default), or remove the setting.");
        }

        try
        {
            var builder = new SqliteConnectionStringBuilder(options.ConnectionString);
            return string.IsNullOrWhiteSpace(builder.DataSource)
                ? ValidateOptionsResult.Fail($"ConnectionStrings:OpsFlow names no file; give one such as '{SqliteOptions.DefaultConnectionString}'.")
                : ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail(
                $"ConnectionStrings:OpsFlow is not a SQLite connection string ({ex.Message}); give one such as '{SqliteOptions.DefaultConnectionString}', "
                + "or set OpsFlow:Database:Provider to Postgres for a PostgreSQL one.");
        }
    }
}
