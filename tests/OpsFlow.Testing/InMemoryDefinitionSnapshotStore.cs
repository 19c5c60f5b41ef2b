using System.Collections.Concurrent;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Testing;

/// <summary>Snapshots kept in memory, for tests and the benchmark: the product always keeps them in its database.</summary>
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
