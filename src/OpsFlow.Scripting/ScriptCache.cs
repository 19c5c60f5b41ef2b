using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using OpsFlow.Scripting.Api;

namespace OpsFlow.Scripting;

/// <summary>
/// Compiled scripts: on disk by cache key (source hash + Roslyn version + script API and engine identity), and in
/// memory as loaded contexts, the least recently used unloaded past <see cref="ScriptingOptions.MaxLoadedScripts"/>.
/// Roslyn compiles one script at a time: it is CPU-bound and the machine has two cores.
/// </summary>
internal sealed class ScriptCache(ScriptingOptions options, ILogger logger, ScriptTelemetry telemetry) : IDisposable
{
    private readonly SemaphoreSlim _compiling = new(1, 1);
    private readonly Lock _gate = new();
    private readonly LinkedList<LoadedScript> _recent = [];
    private readonly Dictionary<string, LinkedListNode<LoadedScript>> _loaded = new(StringComparer.Ordinal);

    private int _compilations;

    /// <summary>Scripts compiled by Roslyn (cache misses) since this cache was made.</summary>
    public int Compilations => Volatile.Read(ref _compilations);

    public int LoadedCount
    {
        get
        {
            lock (_gate)
            {
                return _loaded.Count;
            }
        }
    }

    /// <summary>The loaded script for <paramref name="source"/>; throws <see cref="ScriptException"/> when it does not compile.</summary>
    public async Task<LoadedScript> GetAsync(ScriptSource source, CancellationToken cancellationToken)
    {
        if (TryTake(source.Hash) is { } hit)
        {
            telemetry.Loaded("memory");
            return hit;
        }

        var image = ReadFromDisk(source.Hash);
        telemetry.Loaded(image is null ? "compile" : "disk");
        if (image is null)
        {
            await _compiling.WaitAsync(cancellationToken);
            try
            {
                if (TryTake(source.Hash) is { } raced)
                {
                    return raced;
                }

                // Another caller may have compiled it while we waited: it writes the disk before releasing the lock.
                image = ReadFromDisk(source.Hash) ?? CompileAndStore(source, cancellationToken);
            }
            finally
            {
                _compiling.Release();
            }
        }

        return Add(LoadedScript.Load(source.Hash, image));
    }

    private CompiledImage CompileAndStore(ScriptSource source, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var image = ScriptCompiler.Compile(source, out var problems, cancellationToken);
        telemetry.Compiled(System.Diagnostics.Stopwatch.GetElapsedTime(started), image is not null);
        if (image is null)
        {
            throw new ScriptException(source.EntryPath, problems);
        }

        Interlocked.Increment(ref _compilations);
        Log.Compiled(logger, source.EntryPath, source.Hash[..12], System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        WriteToDisk(source.Hash, image);
        return image;
    }

    private LoadedScript? TryTake(string hash)
    {
        lock (_gate)
        {
            if (!_loaded.TryGetValue(hash, out var node))
            {
                return null;
            }

            _recent.Remove(node);
            _recent.AddFirst(node);
            return node.Value;
        }
    }

    private LoadedScript Add(LoadedScript script)
    {
        lock (_gate)
        {
            if (_loaded.TryGetValue(script.Hash, out var existing))
            {
                script.Unload();
                return existing.Value;
            }

            _loaded[script.Hash] = _recent.AddFirst(script);
            while (_loaded.Count > Math.Max(1, options.MaxLoadedScripts))
            {
                var oldest = _recent.Last!;
                _recent.RemoveLast();
                _loaded.Remove(oldest.Value.Hash);
                // Runs that still hold its delegates keep the code alive; the runtime frees it after them.
                oldest.Value.Unload();
            }

            return script;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var script in _recent)
            {
                script.Unload();
            }

            _recent.Clear();
            _loaded.Clear();
        }

        _compiling.Dispose();
    }

    private string PathFor(string hash, string extension)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{hash}|{ScriptCompiler.Identity}")));
        return Path.Combine(options.CachePath, key + extension);
    }

    private CompiledImage? ReadFromDisk(string hash)
    {
        var dll = PathFor(hash, ".dll");
        var pdb = PathFor(hash, ".pdb");
        try
        {
            return File.Exists(dll) && File.Exists(pdb) ? new CompiledImage(File.ReadAllBytes(dll), File.ReadAllBytes(pdb)) : null;
        }
        catch (IOException ex)
        {
            Log.CacheUnreadable(logger, ex, dll);
            return null;
        }
    }

    private void WriteToDisk(string hash, CompiledImage image)
    {
        try
        {
            Directory.CreateDirectory(options.CachePath);
            // The PDB first and the DLL last, each renamed into place: a reader that sees the DLL sees both whole.
            Replace(PathFor(hash, ".pdb"), image.Symbols);
            Replace(PathFor(hash, ".dll"), image.Assembly);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written costs a compile at the next start, nothing more.
            Log.CacheUnwritable(logger, ex, options.CachePath);
        }
    }

    private static void Replace(string path, byte[] bytes)
    {
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }
}
