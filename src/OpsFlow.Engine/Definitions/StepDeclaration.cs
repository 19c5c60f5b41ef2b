namespace OpsFlow.Engine.Definitions;

/// <summary>
/// A step being declared: what every kind has (a name, its place in the graph). Each kind has its own builder with
/// only the settings that mean something for it (<see cref="StepBuilder"/>, <see cref="ApprovalBuilder"/>,
/// <see cref="CheckpointBuilder"/>), so a setting on the wrong kind does not compile instead of failing at load.
/// </summary>
public abstract class StepDeclaration
{
    private protected StepDeclaration(StepDefinition definition) => Definition = definition;

    public string Name => Definition.Name;

    internal StepDefinition Definition { get; private protected set; }
}

/// <summary>The settings every kind of step has; each returns the kind's own builder, so a chain keeps its kind.</summary>
public abstract class StepDeclaration<TSelf> : StepDeclaration
    where TSelf : StepDeclaration<TSelf>
{
    private protected StepDeclaration(StepDefinition definition)
        : base(definition)
    {
    }

    /// <summary>Runs after these steps are done (succeeded, or skipped: see <see cref="SkipWhenDependencySkipped"/>).</summary>
    public TSelf After(params string[] steps)
    {
        Definition = Definition with { DependsOn = [.. Definition.DependsOn, .. steps] };
        return Self;
    }

    /// <inheritdoc cref="After(string[])"/>
    public TSelf After(params StepDeclaration[] steps) => After(steps.Select(s => s.Name).ToArray());

    /// <summary>Runs only when the condition holds when the step becomes ready; otherwise it ends Skipped.</summary>
    public TSelf When(Func<ConditionContext, bool> condition)
    {
        Definition = Definition with { Condition = WorkflowBuilder.And(Definition.Condition, condition) };
        return Self;
    }

    /// <inheritdoc cref="When(Func{ConditionContext, bool})"/>
    public TSelf When(Func<bool> condition) => When(_ => condition());

    /// <summary>Skip this step when a dependency was skipped, instead of counting the skip as done.</summary>
    public TSelf SkipWhenDependencySkipped(bool skip = true)
    {
        Definition = Definition with { SkipWhenDependencySkipped = skip };
        return Self;
    }

    private protected TSelf Change(Func<StepDefinition, StepDefinition> change)
    {
        Definition = change(Definition);
        return Self;
    }

    private TSelf Self => (TSelf)this;
}
