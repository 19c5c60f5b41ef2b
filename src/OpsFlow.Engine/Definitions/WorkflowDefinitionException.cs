namespace OpsFlow.Engine.Definitions;

/// <summary>A definition that cannot run: every problem found, each naming the step and where it was declared.</summary>
public sealed class WorkflowDefinitionException : Exception
{
    public WorkflowDefinitionException(string workflow, IReadOnlyList<string> problems)
        : base($"Workflow '{workflow}' is invalid:{Environment.NewLine}  - {string.Join(Environment.NewLine + "  - ", problems)}")
    {
        Workflow = workflow;
        Problems = problems;
    }

    public string Workflow { get; }

    public IReadOnlyList<string> Problems { get; }
}
