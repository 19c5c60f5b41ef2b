using System.Collections.Concurrent;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.InProcess;

/// <summary>Snapshots kept in memory, for tests and for a process without a database.</summary>
public sealed class InMemoryDefinitionSnapshotStore : IDefinitionSnapshotStore
{
    private readonly ConcurrentDictionary<string, DefinitionSnapshot> _snapshots = new(StringComparer.Ordinal);

    public Task SaveAsync(DefinitionSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        _snapshots.TryAdd(snapshot.Version, snapshot);
        return Task.CompletedTask;
    }

    public Task<DefinitionSnapshot?> FindAsync(string version, CancellationToken cancellationToken = default) =>
        Task.FromResult(_snapshots.GetValueOrDefault(version));
}
