using OpsFlow.Engine.Definitions;

namespace OpsFlow.Engine.Ports;

/// <summary>
/// Where workflow definitions come from: in code now, .csx scripts later. A definition is materialized per
/// run, because a script's graph may depend on its parameters (a step only for prod, say).
/// </summary>
public interface IWorkflowCatalog
{
    IReadOnlyList<WorkflowDescriptor> List();

    WorkflowDescriptor? Find(string workflow);

    /// <summary>
    /// The step graph for a run with these parameters. <paramref name="version"/> asks for the code a run
    /// started with (so a resumed run keeps its code); null means the current one.
    /// </summary>
    ValueTask<WorkflowDefinition> MaterializeAsync(string workflow, string? version, ParameterValues parameters, CancellationToken cancellationToken = default);

    /// <summary>
    /// Which parameters each step of that code reads, for changing a paused run's parameters. A catalog that cannot
    /// tell answers <see cref="ParameterUse.Unknown"/>: then no parameter a started step could see may change.
    /// </summary>
    ValueTask<ParameterUse> ParameterUseAsync(string workflow, string? version, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(ParameterUse.Unknown);
}
