using OpsFlow.Engine.Definitions;
using OpsFlow.Scripting.Api;

namespace OpsFlow.Scripting;

public sealed partial class ScriptWorkflowCatalog
{
    /// <summary>
    /// Reads the folder again. Unchanged files cost a hash; changed ones are compiled (or taken from the disk
    /// cache) and described. Returns every file's status; problems are logged too.
    /// </summary>
    public async Task<IReadOnlyList<ScriptFileStatus>> ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _reloading.WaitAsync(cancellationToken);
        try
        {
            var started = _clock.GetTimestamp();
            var before = _state;
            var workflows = new Dictionary<string, Entry>(StringComparer.OrdinalIgnoreCase);
            var byFile = new Dictionary<string, Entry>(StringComparer.Ordinal);
            var statuses = new List<ScriptFileStatus>();
            foreach (var file in WorkflowFiles())
            {
                var previous = before.ByFile.GetValueOrDefault(file);
                var (entry, problems) = await LoadFileAsync(file, previous, cancellationToken);
                if (entry is not null && workflows.TryGetValue(entry.Descriptor.Name, out var owner))
                {
                    problems = [new ScriptProblem(file, 0, 0, $"workflow '{entry.Descriptor.Name}' is declared by {owner.File} already; workflow names must be unique.")];
                    entry = null;
                }

                if (problems.Count > 0)
                {
                    // A broken edit must not take a working workflow away: keep the version before it.
                    entry = previous is not null && !workflows.ContainsKey(previous.Descriptor.Name) ? previous : null;
                    var kept = entry is null ? "it is not available" : $"the last good version ({entry.Source.Hash[..12]}) stays in service";
                    Log.LoadFailed(_logger, file, kept, Environment.NewLine + string.Join(Environment.NewLine, problems));
                }

                if (entry is not null)
                {
                    workflows[entry.Descriptor.Name] = entry;
                    byFile[file] = entry;
                }

                statuses.Add(new ScriptFileStatus(file, entry?.Descriptor.Name, entry?.Source.Hash, problems));
            }

            foreach (var gone in before.ByFile.Values.Where(e => !byFile.ContainsKey(e.File) && !File.Exists(Path.Combine(Root, e.File))))
            {
                Log.Removed(_logger, gone.Descriptor.Name, gone.File);
            }

            _state = new CatalogState(workflows, byFile, statuses);
            Log.Scanned(_logger, Root, workflows.Count, _clock.GetElapsedTime(started).TotalMilliseconds, statuses.Count(s => !s.Ok));
            return statuses;
        }
        finally
        {
            _reloading.Release();
        }
    }

    private async Task<(Entry? Entry, IReadOnlyList<ScriptProblem> Problems)> LoadFileAsync(string file, Entry? previous, CancellationToken cancellationToken)
    {
        ScriptSource source;
        try
        {
            source = ScriptSourceReader.Read(Root, file, out var readProblems);
            if (readProblems.Count > 0)
            {
                return (null, readProblems);
            }
        }
        catch (IOException ex)
        {
            return (null, [new ScriptProblem(file, 0, 0, $"cannot be read: {ex.Message}")]);
        }

        if (previous is not null && previous.Source.Hash == source.Hash)
        {
            return (previous, []);
        }

        WorkflowDefinition described;
        try
        {
            var script = await _cache.GetAsync(source, cancellationToken);
            described = await ScriptDeclarer.DeclareAsync(script, source, ScriptMode.Describe, ParameterValues.Empty, _environment, _options.DeclareTimeout, _clock, cancellationToken);
        }
        catch (ScriptException ex)
        {
            return (null, ex.Problems);
        }

        await _snapshots.SaveAsync(source.ToSnapshot(described.Name, _clock.GetUtcNow()), cancellationToken);
        Log.Loaded(_logger, described.Name, file, source.Hash[..12]);
        return (new Entry(file, source, described.Descriptor), []);
    }

    /// <summary>
    /// Workflow files, relative and sorted; files under a folder named "lib" are shared code, files under ".opsflow"
    /// are generated for editors, and "*.tests.csx" files are tests (`opsflow test`): none of them are workflows.
    /// </summary>
    private string[] WorkflowFiles() =>
        Directory.Exists(Root)
            ? Directory.EnumerateFiles(Root, "*.csx", SearchOption.AllDirectories)
                .Select(f => ScriptPaths.Relative(Root, f))
                .Where(f => !f.Split('/').SkipLast(1).Contains("lib", StringComparer.OrdinalIgnoreCase) && !ScriptPaths.IsEditorFile(f) && !ScriptPaths.IsTestFile(f))
                .Order(StringComparer.Ordinal)
                .ToArray()
            : [];
}
