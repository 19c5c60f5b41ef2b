using System.Collections.Concurrent;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.InProcess;

/// <summary>Workflows defined in code. A factory builds the graph per run when it depends on the parameters.</summary>
public sealed class InMemoryWorkflowCatalog : IWorkflowCatalog
{
    private readonly ConcurrentDictionary<string, (WorkflowDescriptor Descriptor, Func<ParameterValues, WorkflowDefinition> Factory, ParameterUse Use)> _workflows =
        new(StringComparer.OrdinalIgnoreCase);

    public InMemoryWorkflowCatalog Add(WorkflowDefinition definition) => Add(definition.Descriptor, _ => definition);

    /// <param name="parameterUse">Which parameters each step reads, when the code says so; unknown otherwise (every step reads all).</param>
    public InMemoryWorkflowCatalog Add(WorkflowDescriptor descriptor, Func<ParameterValues, WorkflowDefinition> factory, ParameterUse? parameterUse = null)
    {
        if (!_workflows.TryAdd(descriptor.Name, (descriptor, factory, parameterUse ?? ParameterUse.Unknown)))
        {
            throw new InvalidOperationException($"A workflow named '{descriptor.Name}' is registered already.");
        }

        return this;
    }

    public IReadOnlyList<WorkflowDescriptor> List() =>
        _workflows.Values.Select(w => w.Descriptor).OrderBy(d => d.Name, StringComparer.Ordinal).ToArray();

    public WorkflowDescriptor? Find(string workflow) => _workflows.TryGetValue(workflow, out var entry) ? entry.Descriptor : null;

    public ValueTask<WorkflowDefinition> MaterializeAsync(string workflow, string? version, ParameterValues parameters, CancellationToken cancellationToken = default)
    {
        if (!_workflows.TryGetValue(workflow, out var entry))
        {
            throw new KeyNotFoundException($"No workflow named '{workflow}' is registered.");
        }

        var definition = entry.Factory(parameters);
        DefinitionValidator.ThrowIfInvalid(definition);
        return ValueTask.FromResult(definition);
    }

    public ValueTask<ParameterUse> ParameterUseAsync(string workflow, string? version, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_workflows.TryGetValue(workflow, out var entry) ? entry.Use : ParameterUse.Unknown);
}
