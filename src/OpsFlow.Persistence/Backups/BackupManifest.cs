using System.Security.Cryptography;
using System.Text.Json;

namespace OpsFlow.Persistence.Backups;

/// <summary>
/// Written beside each backup once it has been verified (<c>&lt;backup&gt;.json</c>): a backup without one is not a
/// good backup, and retention counts only good ones. Holds what a restore checks: the database kind, the file's
/// SHA-256, whether it is encrypted, and the rows of every table at the time of the copy.
/// </summary>
public sealed record BackupManifest(
    string File,
    string Kind,
    DateTimeOffset CreatedAt,
    long Bytes,
    string Sha256,
    bool Encrypted,
    IReadOnlyDictionary<string, long> Rows)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static string PathFor(string backup) => backup + ".json";

    public static async Task<BackupManifest?> ReadAsync(string backup, CancellationToken cancellationToken)
    {
        var path = PathFor(backup);
        if (!System.IO.File.Exists(path))
        {
            return null;
        }

        await using var stream = System.IO.File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<BackupManifest>(stream, Json, cancellationToken)
            ?? throw new BackupException($"{path} is empty");
    }

    /// <summary>Written under another name and renamed: a manifest is complete or absent.</summary>
    public async Task WriteAsync(string folder, CancellationToken cancellationToken)
    {
        var path = PathFor(Path.Combine(folder, File));
        var partial = path + ".partial";
        await using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write))
        {
            await JsonSerializer.SerializeAsync(stream, this, Json, cancellationToken);
        }

        System.IO.File.Move(partial, path, overwrite: true);
    }

    public static async Task<string> HashAsync(string file, CancellationToken cancellationToken)
    {
        await using var stream = System.IO.File.OpenRead(file);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }
}
