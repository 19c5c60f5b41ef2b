using System.Security.Cryptography;
using System.Text;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Scripting;

/// <summary>
/// A script and every file it pulls in with #load, by path relative to the workflows folder (forward slashes).
/// <see cref="Hash"/> covers all of them, so editing a shared file gives every script that loads it a new version.
/// </summary>
public sealed class ScriptSource
{
    public ScriptSource(string entryPath, IReadOnlyDictionary<string, string> files)
    {
        EntryPath = entryPath;
        Files = files;
        Hash = ComputeHash(files);
    }

    public string EntryPath { get; }

    public IReadOnlyDictionary<string, string> Files { get; }

    /// <summary>SHA-256 of the files (paths and contents), lower-case hex; the version a run records.</summary>
    public string Hash { get; }

    public string EntryText => Files[EntryPath];

    public static ScriptSource FromSnapshot(DefinitionSnapshot snapshot) => new(snapshot.EntryPath, snapshot.Files);

    public DefinitionSnapshot ToSnapshot(string workflow, DateTimeOffset savedAt) =>
        new(Hash, workflow, EntryPath, Files, savedAt);

    private static string ComputeHash(IReadOnlyDictionary<string, string> files)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (path, text) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            // Length-prefixed so that no two different file sets hash the same bytes.
            var pathBytes = Encoding.UTF8.GetBytes(path);
            var textBytes = Encoding.UTF8.GetBytes(text);
            sha.AppendData(BitConverter.GetBytes(pathBytes.Length));
            sha.AppendData(pathBytes);
            sha.AppendData(BitConverter.GetBytes(textBytes.Length));
            sha.AppendData(textBytes);
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
