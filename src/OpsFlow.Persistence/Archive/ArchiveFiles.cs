using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpsFlow.Persistence.Backups;

namespace OpsFlow.Persistence.Archive;

/// <summary>
/// The archive folder: one gzip-compressed JSON-lines file per month and part (runs-2026-10.jsonl.gz, then
/// runs-2026-10-2.jsonl.gz for runs of that month that finished later), each with a checksum file beside it in
/// sha256sum's format, so an operator can check a copy with <c>sha256sum -c</c>. A file is written under a temporary
/// name, read back in full and checked, and only then renamed into place; files are the service account's alone.
/// </summary>
internal sealed partial class ArchiveFiles(string folder)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Folder => folder;

    public static string Name(string month, int part) =>
        part == 1 ? $"runs-{month}.jsonl.gz" : $"runs-{month}-{part.ToString(CultureInfo.InvariantCulture)}.jsonl.gz";

    public static string Month(DateTimeOffset monthStart) => monthStart.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>The month and part of an archive file's name; false for any other file.</summary>
    public static bool TryParse(string name, out DateTimeOffset monthStart, out int part)
    {
        var match = FileName().Match(name);
        monthStart = default;
        part = 0;
        var month = match.Success ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
        if (month is < 1 or > 12)
        {
            return false;
        }

        monthStart = new DateTimeOffset(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), month, 1, 0, 0, 0, TimeSpan.Zero);
        part = match.Groups[3].Success ? int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : 1;
        return true;
    }

    /// <summary>The archive files present, oldest month first.</summary>
    public IReadOnlyList<string> List() =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "runs-*.jsonl.gz").Select(f => Path.GetFileName(f))
                .Where(n => TryParse(n, out _, out _)).Order(StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>Starts a new file named <paramref name="name"/>; nothing is visible under its name until <see cref="ArchiveWriter.CommitAsync"/>.</summary>
    public ArchiveWriter Create(string name, ArchiveHeader header) => new(folder, name, header);

    /// <summary>
    /// The run's line from <paramref name="name"/>, or null when the file does not hold it. The whole file is read so
    /// that its checksum is checked: a damaged archive says so instead of answering with what it happens to hold.
    /// </summary>
    /// <exception cref="ArchiveDamagedException">The file is missing, its checksum file is, or they disagree.</exception>
    public async Task<ArchivedRunLine?> FindAsync(string name, string runId, CancellationToken cancellationToken)
    {
        var prefix = "{\"id\":" + JsonSerializer.Serialize(runId, Json) + ",";
        ArchivedRunLine? found = null;
        await ReadAsync(name, line =>
        {
            if (found is null && line.StartsWith(prefix, StringComparison.Ordinal))
            {
                found = JsonSerializer.Deserialize<ArchivedRunLine>(line, Json);
            }
        }, cancellationToken);
        return found;
    }

    /// <summary>Deletes the file and its checksum; true when there was a file.</summary>
    public bool Delete(string name)
    {
        var path = Path.Combine(folder, name);
        var existed = File.Exists(path);
        File.Delete(path);
        File.Delete(path + ".sha256");
        return existed;
    }

    public bool Exists(string name) => File.Exists(Path.Combine(folder, name));

    /// <summary>Removes the temporary files of writes a crash interrupted (one archiver runs at a time).</summary>
    public void DeleteLeftovers()
    {
        if (!Directory.Exists(folder))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(folder, ".runs-*.tmp*"))
        {
            BackupTools.DeleteQuietly(file);
        }
    }

    /// <summary>Checks the file's checksum, then reads every run line (the header is checked, not passed on).</summary>
    internal static async Task<ArchiveHeader> ReadFileAsync(string path, string expectedSha256, Action<string> runLine, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(path);
        string actual;
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
        {
            actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
        }

        if (!string.Equals(actual, expectedSha256, StringComparison.Ordinal))
        {
            throw new ArchiveDamagedException(name, $"its SHA-256 is {actual}, its checksum file says {expectedSha256}");
        }

        ArchiveHeader? header = null;
        var runs = 0;
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            await using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var reader = new StreamReader(gzip, Encoding.UTF8);
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (header is null)
                {
                    header = JsonSerializer.Deserialize<ArchiveHeader>(line, Json);
                    if (header?.Format != ArchiveHeader.CurrentFormat)
                    {
                        throw new ArchiveDamagedException(name, $"its first line is not an {ArchiveHeader.CurrentFormat} header");
                    }

                    continue;
                }

                runs++;
                runLine(line);
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or JsonException)
        {
            throw new ArchiveDamagedException(name, $"it cannot be read ({ex.Message})", ex);
        }

        if (header is null || header.Runs != runs)
        {
            throw new ArchiveDamagedException(name, $"its header announces {header?.Runs ?? 0} runs and it holds {runs}");
        }

        return header;
    }

    internal static string IdOf(string line) =>
        JsonSerializer.Deserialize<RunIdOnly>(line, Json)?.Id ?? throw new JsonException("a run line without an id");

    private async Task ReadAsync(string name, Action<string> runLine, CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, name);
        if (!File.Exists(path))
        {
            throw new ArchiveDamagedException(name, $"it is not in {folder}; put the file back from a backup or a copy of the archive folder");
        }

        var sums = path + ".sha256";
        if (!File.Exists(sums))
        {
            throw new ArchiveDamagedException(name, $"its checksum file {Path.GetFileName(sums)} is missing");
        }

        var expected = (await File.ReadAllTextAsync(sums, cancellationToken)).Split(' ', 2)[0].Trim();
        await ReadFileAsync(path, expected, runLine, cancellationToken);
    }

    [GeneratedRegex(@"^runs-(\d{4})-(\d{2})(?:-(\d+))?\.jsonl\.gz$")]
    private static partial Regex FileName();

    private sealed class RunIdOnly
    {
        public string Id { get; set; } = "";
    }
}

/// <summary>An archive file that cannot be trusted: missing, unreadable, or not what its checksum says.</summary>
public sealed class ArchiveDamagedException(string file, string problem, Exception? inner = null)
    : IOException($"The archive file {file} cannot be used: {problem}. Restore it from a copy of the archive folder; the runs it holds cannot be shown until then.", inner)
{
    public string File { get; } = file;
}

/// <summary>
/// A new archive file being written: lines go to a temporary file; <see cref="CommitAsync"/> reads it back, checks
/// that it holds exactly the runs written, writes the checksum and renames both into place. Disposed without a
/// commit, it leaves nothing behind.
/// </summary>
internal sealed class ArchiveWriter : IAsyncDisposable
{
    private readonly string _folder;
    private readonly string _name;
    private readonly string _temporary;
    private readonly FileStream _file;
    private readonly GZipStream _gzip;
    private readonly StreamWriter _writer;
    private readonly ArchiveHeader _header;
    private readonly List<string> _ids = [];
    private bool _started;
    private bool _closed;
    private bool _committed;

    /// <param name="header">Says how many runs follow: the caller chose them before writing.</param>
    public ArchiveWriter(string folder, string name, ArchiveHeader header)
    {
        _folder = folder;
        _name = name;
        _header = header;
        _temporary = Path.Combine(folder, $".{name}.{Guid.NewGuid():n}.tmp");
        BackupTools.CreateOwnerOnly(_temporary);
        _file = new FileStream(_temporary, FileMode.Truncate, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        _gzip = new GZipStream(_file, CompressionLevel.Optimal, leaveOpen: true);
        _writer = new StreamWriter(_gzip, new UTF8Encoding(false)) { NewLine = "\n" };
    }

    public async Task WriteAsync(ArchivedRunLine run, CancellationToken cancellationToken)
    {
        await StartAsync(cancellationToken);
        _ids.Add(run.Id);
        await _writer.WriteLineAsync(JsonSerializer.Serialize(run, ArchiveFiles.Json).AsMemory(), cancellationToken);
    }

    /// <summary>Flushes to disk, verifies, and puts the file and its checksum in place; returns the file's size.</summary>
    /// <exception cref="InvalidOperationException">What was read back is not what was written (the file is not kept).</exception>
    public async Task<long> CommitAsync(CancellationToken cancellationToken)
    {
        await StartAsync(cancellationToken);
        if (_ids.Count != _header.Runs)
        {
            throw new InvalidOperationException($"The archive {_name} was announced with {_header.Runs} runs and {_ids.Count} were written.");
        }

        await CloseAsync(flushToDisk: true);
        string sha;
        await using (var file = File.OpenRead(_temporary))
        {
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
        }

        var readBack = new List<string>(_ids.Count);
        await ArchiveFiles.ReadFileAsync(_temporary, sha, line => readBack.Add(ArchiveFiles.IdOf(line)), cancellationToken);
        if (!readBack.SequenceEqual(_ids, StringComparer.Ordinal))
        {
            throw new InvalidOperationException($"The archive {_name} read back holds other runs than were written; it was not kept.");
        }

        var path = Path.Combine(_folder, _name);
        var sums = path + ".sha256";
        var sumsTemporary = _temporary + ".sha256";
        BackupTools.CreateOwnerOnly(sumsTemporary);
        await using (var file = new FileStream(sumsTemporary, FileMode.Truncate, FileAccess.Write, FileShare.None))
        {
            await file.WriteAsync(Encoding.ASCII.GetBytes($"{sha}  {_name}\n"), cancellationToken);
            file.Flush(flushToDisk: true);
        }

        // The data first: a checksum file names a file that exists, or nothing does.
        File.Move(_temporary, path, overwrite: true);
        File.Move(sumsTemporary, sums, overwrite: true);
        _committed = true;
        return new FileInfo(path).Length;
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync(flushToDisk: false);
        if (!_committed)
        {
            BackupTools.DeleteQuietly(_temporary);
            BackupTools.DeleteQuietly(_temporary + ".sha256");
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_started)
        {
            _started = true;
            await _writer.WriteLineAsync(JsonSerializer.Serialize(_header, ArchiveFiles.Json).AsMemory(), cancellationToken);
        }
    }

    private async Task CloseAsync(bool flushToDisk)
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        await _writer.DisposeAsync();
        await _gzip.DisposeAsync();
        if (flushToDisk)
        {
            _file.Flush(flushToDisk: true);
        }

        await _file.DisposeAsync();
    }
}
