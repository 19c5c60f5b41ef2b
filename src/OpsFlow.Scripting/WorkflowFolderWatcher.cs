using Microsoft.Extensions.Logging;

namespace OpsFlow.Scripting;

/// <summary>
/// Reloads the catalog when a script in the workflows folder changes. Editors write a file in several steps
/// (truncate, write, rename), so events are debounced: one reload after the folder has been quiet for
/// <see cref="Quiet"/>.
/// </summary>
public sealed class WorkflowFolderWatcher : IDisposable
{
    private readonly ScriptWorkflowCatalog _catalog;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly CancellationTokenSource _stopping = new();
    private FileSystemWatcher? _watcher;
    private int _reloads;
    private int _disposed;

    public WorkflowFolderWatcher(ScriptWorkflowCatalog catalog, TimeProvider clock, ILogger<WorkflowFolderWatcher> logger)
    {
        _catalog = catalog;
        _logger = logger;
        _timer = clock.CreateTimer(_ => _ = ReloadAsync(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public static TimeSpan Quiet { get; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Reloads done because of file changes; tests wait on it.</summary>
    public int Reloads => Volatile.Read(ref _reloads);

    /// <summary>Raised after each reload caused by a change.</summary>
    public event Action<IReadOnlyList<ScriptFileStatus>>? Reloaded;

    public void Start()
    {
        if (!Directory.Exists(_catalog.Root))
        {
            return;
        }

        _watcher = new FileSystemWatcher(_catalog.Root, "*.csx")
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.DirectoryName,
        };
        _watcher.Changed += (_, e) => Touched(e.FullPath);
        _watcher.Created += (_, e) => Touched(e.FullPath);
        _watcher.Deleted += (_, e) => Touched(e.FullPath);
        _watcher.Renamed += (_, e) => Touched(e.OldFullPath, e.FullPath);
        // Lost events (a buffer overflow) must not leave the catalog stale: reload everything.
        _watcher.Error += (_, _) => Touched();
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>Safe to call twice: the host stops the watcher, and the container disposes it again.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping.Cancel();
        _watcher?.Dispose();
        _timer.Dispose();
        _stopping.Dispose();
    }

    private void Touched() => _timer.Change(Quiet, Timeout.InfiniteTimeSpan);

    /// <summary>
    /// `opsflow editor` rewrites the editor globals; the server compiles them as empty, so reloading for them would
    /// only cost a pass over the folder.
    /// </summary>
    private void Touched(params string[] paths)
    {
        if (paths.Any(path => !ScriptPaths.IsEditorFile(ScriptPaths.Relative(_catalog.Root, path))))
        {
            Touched();
        }
    }

    private async Task ReloadAsync()
    {
        try
        {
            var statuses = await _catalog.ReloadAsync(_stopping.Token);
            Interlocked.Increment(ref _reloads);
            Reloaded?.Invoke(statuses);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception ex)
        {
            // A watcher callback has nobody to throw to; the last good catalog stays in service.
            Log.ReloadFailed(_logger, ex);
        }
    }
}
