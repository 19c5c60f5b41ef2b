using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Migrations;

namespace OpsFlow.Persistence;

/// <summary>
/// The scheduler's tables (Quartz's job store) in a provider's migration, so that one owner creates every table of the
/// database, in one upgrade, under the provider's own lock. The provider passes the create script Quartz embeds for its
/// dialect: each statement creates only what is missing, and statements are separated by a line reading '--;;'.
/// A Quartz upgrade that changes its schema needs a migration of its own (Quartz ships the upgrade scripts); the
/// scheduler checks the schema at start and refuses a database that lacks what it needs.
/// </summary>
public static partial class SchedulerSchema
{
    /// <summary>Adds the statements of <paramref name="script"/> to the migration, for tables named with <paramref name="tablePrefix"/>.</summary>
    public static void Create(MigrationBuilder migration, Stream script, string tablePrefix)
    {
        ArgumentNullException.ThrowIfNull(migration);
        foreach (var statement in Statements(script, tablePrefix))
        {
            migration.Sql(statement);
        }
    }

    /// <summary>Drops the tables <paramref name="script"/> creates, the last created first (foreign keys point backwards).</summary>
    public static void Drop(MigrationBuilder migration, Stream script, string tablePrefix)
    {
        ArgumentNullException.ThrowIfNull(migration);
        var tables = Statements(script, tablePrefix).Select(s => CreateTable().Match(s)).Where(m => m.Success).Select(m => m.Groups[1].Value).Reverse();
        foreach (var table in tables)
        {
            migration.Sql($"DROP TABLE IF EXISTS {table};");
        }
    }

    internal static IEnumerable<string> Statements(Stream script, string tablePrefix)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentException.ThrowIfNullOrWhiteSpace(tablePrefix);
        using var reader = new StreamReader(script);
        var text = reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
        // {0} is the prefix with a schema, {1} without one (for index and constraint names); OpsFlow's has none.
        text = text.Replace("{0}", tablePrefix, StringComparison.Ordinal).Replace("{1}", tablePrefix, StringComparison.Ordinal);
        return text.Split("\n--;;\n")
            .Select(piece => string.Join('\n', piece.Split('\n').Where(line => !line.TrimStart().StartsWith("--", StringComparison.Ordinal))).Trim())
            .Where(statement => statement.Length > 0)
            .ToArray();
    }

    [GeneratedRegex(@"^CREATE TABLE IF NOT EXISTS (\S+)", RegexOptions.IgnoreCase)]
    private static partial Regex CreateTable();
}
