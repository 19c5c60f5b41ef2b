using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence;

/// <summary>Definition snapshots in the definition_sources table; written through the single writer.</summary>
internal sealed class EfDefinitionSnapshotStore(DatabaseReads reads, WriteQueue writes) : IDefinitionSnapshotStore
{
    /// <remarks>
    /// Versions are content hashes: a row that exists already holds the same code. Hosts starting together save the
    /// same snapshots at once, so the insert skips an existing row in the database rather than failing on it.
    /// </remarks>
    public Task SaveAsync(DefinitionSnapshot snapshot, CancellationToken cancellationToken = default) =>
        writes.RunAsync(async (db, ct) =>
        {
            var files = JsonSerializer.Serialize(snapshot.Files);
            var savedAt = Mapping.Ticks(snapshot.SavedAt);
            return await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO "definition_sources" ("Version", "Workflow", "EntryPath", "FilesJson", "SavedAt")
                VALUES ({snapshot.Version}, {snapshot.Workflow}, {snapshot.EntryPath}, {files}, {savedAt})
                ON CONFLICT ("Version") DO NOTHING
                """,
                ct) == 1;
        }, cancellationToken);

    public Task<DefinitionSnapshot?> FindAsync(string version, CancellationToken cancellationToken = default) =>
        reads.RunAsync(async db =>
        {
            var row = await db.DefinitionSources.AsNoTracking().FirstOrDefaultAsync(s => s.Version == version, cancellationToken);
            return row is null
                ? null
                : new DefinitionSnapshot(
                    row.Version,
                    row.Workflow,
                    row.EntryPath,
                    JsonSerializer.Deserialize<Dictionary<string, string>>(row.FilesJson) ?? [],
                    Mapping.Time(row.SavedAt));
        }, cancellationToken);
}
