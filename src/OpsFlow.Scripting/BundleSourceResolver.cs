using System.Text;
using Microsoft.CodeAnalysis;

namespace OpsFlow.Scripting;

/// <summary>
/// Serves #load from a <see cref="ScriptSource"/> instead of the disk, so a script compiles to exactly the code
/// its hash names, whether it came from the folder or from a run's stored snapshot.
/// </summary>
internal sealed class BundleSourceResolver(ScriptSource source) : SourceReferenceResolver
{
    public override string? NormalizePath(string path, string? baseFilePath) => ResolveReference(path, baseFilePath) ?? path;

    public override string? ResolveReference(string path, string? baseFilePath)
    {
        var resolved = ScriptPaths.Resolve(baseFilePath ?? source.EntryPath, path);
        return resolved is not null && (source.Files.ContainsKey(resolved) || ScriptPaths.IsEditorGlobals(resolved)) ? resolved : null;
    }

    /// <summary>The editor globals compile as empty whether or not the file exists here: the host object is the real one.</summary>
    public override Stream OpenRead(string resolvedPath) =>
        new MemoryStream(ScriptPaths.IsEditorGlobals(resolvedPath) ? [] : Encoding.UTF8.GetBytes(source.Files[resolvedPath]));

    public override bool Equals(object? other) => other is BundleSourceResolver bundle && ReferenceEquals(bundle.Source, Source);

    public override int GetHashCode() => Source.GetHashCode();

    private ScriptSource Source => source;
}
