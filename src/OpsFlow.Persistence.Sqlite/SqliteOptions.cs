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
