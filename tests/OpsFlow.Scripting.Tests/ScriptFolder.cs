using Microsoft.Extensions.Logging.Abstractions;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Ports;
using OpsFlow.Scripting.Api;

namespace OpsFlow.Scripting.Tests;

/// <summary>A temporary workflows folder with its own compile cache and a catalog over it.</summary>
public sealed class ScriptFolder : IDisposable
{
    public ScriptFolder(string? workflowsPath = null, IReadOnlyDictionary<string, string?>? settings = null, IFleet? fleet = null)
    {
        Directory.CreateDirectory(BasePath);
        Path = workflowsPath ?? System.IO.Path.Combine(BasePath, "workflows");
        Directory.CreateDirectory(Path);
        Directory.CreateDirectory(DataPath);
        Options = new ScriptingOptions
        {
            WorkflowsPath = Path,
            CachePath = System.IO.Path.Combine(BasePath, "cache"),
            DataPath = DataPath,
        };
        Environment = new ScriptEnvironment(settings ?? new Dictionary<string, string?>(), DataPath, fleet);
        Catalog = NewCatalog();
    }

    public string BasePath { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "opsflow-scripts-" + Guid.NewGuid().ToString("N")[..8]);

    public string Path { get; }

    public string DataPath => System.IO.Path.Combine(BasePath, "data");

    public ScriptingOptions Options { get; }

    public ScriptEnvironment Environment { get; }

    public InMemoryDefinitionSnapshotStore Snapshots { get; } = new();

    public ScriptWorkflowCatalog Catalog { get; }

    /// <summary>Another catalog on the same folder, cache and snapshots: a host restarted.</summary>
    public ScriptWorkflowCatalog NewCatalog(IDefinitionSnapshotStore? snapshots = null) =>
        new(Options, snapshots ?? Snapshots, Environment, TimeProvider.System, NullLogger<ScriptWorkflowCatalog>.Instance);

    public ScriptFolder Write(string relativePath, string text)
    {
        var full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return this;
    }

    public async Task<ScriptFileStatus> LoadAsync(string file)
    {
        var statuses = await Catalog.ReloadAsync();
        return statuses.Single(s => s.File == file);
    }

    public void Dispose()
    {
        Catalog.Dispose();
        try
        {
            Directory.Delete(BasePath, recursive: true);
        }
        catch (IOException)
        {
            // A process a test started may still hold a file; the temp folder is cleaned by the OS.
        }
    }
}
