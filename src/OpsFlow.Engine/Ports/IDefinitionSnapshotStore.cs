namespace OpsFlow.Engine.Ports;

/// <summary>
/// The code a definition version was made from (a script and the files it loads), kept so a run resumes with
/// the code it started with even after the file changed, and so the history can show it (docs/product.md §11).
/// </summary>
/// <param name="Version">The content hash that names this code.</param>
/// <param name="EntryPath">The main file, relative to the workflows folder.</param>
/// <param name="Files">Every file by relative path (forward slashes), the entry file included.</param>
public sealed record DefinitionSnapshot(
    string Version,
    string Workflow,
    string EntryPath,
    IReadOnlyDictionary<string, string> Files,
    DateTimeOffset SavedAt);

public interface IDefinitionSnapshotStore
{
    /// <summary>Saves the snapshot unless one with the same version exists (versions are content hashes).</summary>
    Task SaveAsync(DefinitionSnapshot snapshot, CancellationToken cancellationToken = default);

    Task<DefinitionSnapshot?> FindAsync(string version, CancellationToken cancellationToken = default);
}
