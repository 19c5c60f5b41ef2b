using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence;

/// <summary>Definition snapshots in the definition_sources table; written through the single writer.</summary>
internal sealed class EfDefinitionSnapshotStore(IDbContextFactory<OpsFlowDbContext> contexts, WriteQueue writes) : IDefinitionSnapshotStore
{
    public Task SaveAsync(DefinitionSnapshot snapshot, CancellationToken cancellationToken = default) =>
        Conflicts.RetryAsync(() => writes.RunAsync(async (db, ct) =>
        {
            // Versions are content hashes: a row that exists already holds the same code.
            if (await db.DefinitionSources.AsNoTracking().AnyAsync(s => s.Version == snapshot.Version, ct))
            {
                return false;
            }

            db.DefinitionSources.Add(new DefinitionSourceRow
            {
                Version = snapshot.Version,
                Workflow = snapshot.Workflow,
                EntryPath = snapshot.EntryPath,
                FilesJson = JsonSerializer.Serialize(snapshot.Files),
                SavedAt = Mapping.Ticks(snapshot.SavedAt),
            });
            await db.SaveChangesAsync(ct);
            return true;
        }, cancellationToken));

    public async Task<DefinitionSnapshot?> FindAsync(string version, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.DefinitionSources.AsNoTracking().FirstOrDefaultAsync(s => s.Version == version, cancellationToken);
        return row is null
            ? null
            : new DefinitionSnapshot(
                row.Version,
                row.Workflow,
                row.EntryPath,
                JsonSerializer.Deserialize<Dictionary<string, string>>(row.FilesJson) ?? [],
                Mapping.Time(row.SavedAt));
    }
}
