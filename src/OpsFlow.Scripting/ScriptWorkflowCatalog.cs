using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Ports;
using OpsFlow.Scripting.Api;

namespace OpsFlow.Scripting;

/// <summary>
/// Workflows from the .csx files of the workflows folder (files under a "lib" folder are shared code for #load,
/// not workflows). A reload keeps unchanged files as they are, compiles changed ones, and keeps the last good
/// version of a file whose edit broke it. Every loaded version's code is saved as a snapshot, so runs resume
/// with the code they started with.
/// </summary>
public sealed partial class ScriptWorkflowCatalog : IWorkflowCatalog, IDisposable
{
    private readonly ScriptingOptions _options;
    private readonly IDefinitionSnapshotStore _snapshots;
    private readonly IScriptEnvironment _environment;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ScriptCache _cache;
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ParameterUse> _parameterUse = new(StringComparer.Ordinal);
    private volatile CatalogState _state = CatalogState.Empty;

    public ScriptWorkflowCatalog(
        ScriptingOptions options,
        IDefinitionSnapshotStore snapshots,
        IScriptEnvironment environment,
        TimeProvider clock,
        ILogger<ScriptWorkflowCatalog> logger,
        ScriptTelemetry? telemetry = null)
    {
        _options = options;
        _snapshots = snapshots;
        _environment = environment;
        _clock = clock;
        _logger = logger;
        _cache = new ScriptCache(options, logger, telemetry ?? ScriptTelemetry.Unregistered);
    }

    /// <summary>The workflows folder, absolute.</summary>
    public string Root => Path.GetFullPath(_options.WorkflowsPath);

    /// <summary>Every script file after the last load, with its workflow or its problems.</summary>
    public IReadOnlyList<ScriptFileStatus> Files => _state.Files;

    /// <summary>Compiled scripts loaded in memory now (bounded by <see cref="ScriptingOptions.MaxLoadedScripts"/>).</summary>
    public int LoadedScripts => _cache.LoadedCount;

    /// <summary>Scripts this catalog had to compile, i.e. found neither loaded nor in the disk cache.</summary>
    public int Compilations => _cache.Compilations;

    public IReadOnlyList<WorkflowDescriptor> List() =>
        _state.Workflows.Values.Select(e => e.Descriptor).OrderBy(d => d.Name, StringComparer.Ordinal).ToArray();

    public WorkflowDescriptor? Find(string workflow) =>
        _state.Workflows.TryGetValue(workflow, out var entry) ? entry.Descriptor : null;

    /// <summary>The source of a workflow's current version, or null.</summary>
    public ScriptSource? CurrentSource(string workflow) =>
        _state.Workflows.TryGetValue(workflow, out var entry) ? entry.Source : null;

    public async ValueTask<WorkflowDefinition> MaterializeAsync(string workflow, string? version, ParameterValues parameters, CancellationToken cancellationToken = default)
    {
        var source = await SourceForAsync(workflow, version, cancellationToken);
        try
        {
            var script = await _cache.GetAsync(source, cancellationToken);
            return await ScriptDeclarer.DeclareAsync(script, source, ScriptMode.Materialize, parameters, _environment, _options.DeclareTimeout, _clock, cancellationToken);
        }
        catch (ScriptException ex)
        {
            // The engine reports definition problems to whoever asked for the run.
            throw new WorkflowDefinitionException(workflow, ex.Problems.Select(p => p.ToString()).ToArray());
        }
    }

    /// <summary>
    /// Read from the source with Roslyn (<see cref="ScriptParameterReads"/>), once per version: the code of a version
    /// never changes. A version that does not compile reads everything.
    /// </summary>
    public async ValueTask<ParameterUse> ParameterUseAsync(string workflow, string? version, CancellationToken cancellationToken = default)
    {
        var source = await SourceForAsync(workflow, version, cancellationToken);
        if (_parameterUse.TryGetValue(source.Hash, out var known))
        {
            return known;
        }

        var use = await Task.Run(
            () =>
            {
                var compilation = ScriptCompiler.CreateCompilation(source);
                return compilation.GetDiagnostics(cancellationToken).Any(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error)
                    ? ParameterUse.Unknown
                    : ScriptParameterReads.Analyze(compilation, cancellationToken);
            },
            cancellationToken);
        return _parameterUse.GetOrAdd(source.Hash, use);
    }

    public void Dispose()
    {
        _cache.Dispose();
        _reloading.Dispose();
    }

    private async Task<ScriptSource> SourceForAsync(string workflow, string? version, CancellationToken cancellationToken)
    {
        var current = _state.Workflows.GetValueOrDefault(workflow);
        if (current is not null && (version is null || current.Source.Hash == version))
        {
            return current.Source;
        }

        if (version is null)
        {
            throw new KeyNotFoundException($"No workflow named '{workflow}' is loaded.");
        }

        var snapshot = await _snapshots.FindAsync(version, cancellationToken)
            ?? throw new KeyNotFoundException($"The code of workflow '{workflow}' version {version[..Math.Min(12, version.Length)]} is not stored; the run cannot be resumed with it.");
        return ScriptSource.FromSnapshot(snapshot);
    }

    private sealed record Entry(string File, ScriptSource Source, WorkflowDescriptor Descriptor);

    private sealed record CatalogState(IReadOnlyDictionary<string, Entry> Workflows, IReadOnlyDictionary<string, Entry> ByFile, IReadOnlyList<ScriptFileStatus> Files)
    {
        public static CatalogState Empty { get; } = new(
            new Dictionary<string, Entry>(StringComparer.OrdinalIgnoreCase),
            new Dictionary<string, Entry>(StringComparer.Ordinal),
            []);
    }
}
