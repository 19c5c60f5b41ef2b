using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OpsFlow.Persistence;

/// <summary>
/// Per-connection SQLite settings. WAL with synchronous=NORMAL keeps every committed transaction across a
/// process crash (kill -9) at a fraction of FULL's fsync cost; a power cut may lose the last few commits,
/// never consistency. busy_timeout lets readers and the writer wait for each other instead of failing.
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
