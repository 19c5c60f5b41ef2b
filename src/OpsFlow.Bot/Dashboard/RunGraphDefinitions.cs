using Microsoft.Extensions.Caching.Memory;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Dashboard;

/// <summary>
/// The definitions behind run graphs, kept: a graph is what the run's script (its recorded version) declares for its
/// parameters, so the same three always give the same graph, and a page open on a live run asks for it at every
/// change. Without this, each request ran the script again (a script may compile, or take up to DeclareTimeout).
/// At most 256 definitions are kept, each for 10 minutes after its last use; a failure is not kept.
/// </summary>
internal sealed class RunGraphDefinitions(IWorkflowCatalog catalog) : IDisposable
{
    private static readonly TimeSpan KeptFor = TimeSpan.FromMinutes(10);

    private readonly MemoryCache _kept = new(new MemoryCacheOptions { SizeLimit = 256 });

    public async ValueTask<WorkflowDefinition> GetAsync(RunRecord run, CancellationToken cancellationToken)
    {
        var key = Key(run);
        if (_kept.TryGetValue(key, out WorkflowDefinition? kept) && kept is not null)
        {
            return kept;
        }

        var definition = await catalog.MaterializeAsync(run.Workflow, run.WorkflowVersion, new ParameterValues(run.Parameters), cancellationToken);
        _kept.Set(key, definition, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = KeptFor });
        return definition;
    }

    public void Dispose() => _kept.Dispose();

    /// <summary>Workflow, script version and every parameter, in a fixed order.</summary>
    private static string Key(RunRecord run) =>
        string.Join('\n', new[] { run.Workflow, run.WorkflowVersion ?? "" }
            .Concat(run.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")));
}
