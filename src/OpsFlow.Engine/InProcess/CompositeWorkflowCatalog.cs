using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.InProcess;

/// <summary>
/// Several catalogs as one (scripts and built-in workflows). The first catalog that knows a name owns it, so a
/// script cannot shadow a built-in by accident without the order saying so.
/// </summary>
public sealed class CompositeWorkflowCatalog(IReadOnlyList<IWorkflowCatalog> catalogs) : IWorkflowCatalog
{
    public IReadOnlyList<WorkflowDescriptor> List() =>
        catalogs.SelectMany(c => c.List())
            .DistinctBy(d => d.Name, StringComparer.OrdinalIgnoreCase)
            .OrderBy(d => d.Name, StringComparer.Ordinal)
            .ToArray();

    public WorkflowDescriptor? Find(string workflow) =>
        catalogs.Select(c => c.Find(workflow)).FirstOrDefault(d => d is not null);

    public async ValueTask<WorkflowDefinition> MaterializeAsync(string workflow, string? version, ParameterValues parameters, CancellationToken cancellationToken = default)
    {
        var owner = catalogs.FirstOrDefault(c => c.Find(workflow) is not null);
        if (owner is not null)
        {
            return await owner.MaterializeAsync(workflow, version, parameters, cancellationToken);
        }

        // A resumed run may name a workflow whose file was deleted since: a catalog that keeps the code of
        // older versions can still materialize it.
        if (version is not null)
        {
            foreach (var catalog in catalogs)
            {
                try
                {
                    return await catalog.MaterializeAsync(workflow, version, parameters, cancellationToken);
                }
                catch (KeyNotFoundException)
                {
                    // Not this one; ask the next.
                }
            }
        }

        throw new KeyNotFoundException($"No workflow named '{workflow}' is registered.");
    }

    public async ValueTask<ParameterUse> ParameterUseAsync(string workflow, string? version, CancellationToken cancellationToken = default)
    {
        var owner = catalogs.FirstOrDefault(c => c.Find(workflow) is not null);
        if (owner is not null)
        {
            return await owner.ParameterUseAsync(workflow, version, cancellationToken);
        }

        foreach (var catalog in catalogs)
        {
            try
            {
                var use = await catalog.ParameterUseAsync(workflow, version, cancellationToken);
                if (use != ParameterUse.Unknown)
                {
                    return use;
                }
            }
            catch (KeyNotFoundException)
            {
                // Not this one; ask the next.
            }
        }

        return ParameterUse.Unknown;
    }
}
