namespace OpsFlow.Engine.Definitions;

/// <summary>A checkpoint: a point a rollback stops at. It runs nothing, so only its place in the graph can be set.</summary>
public sealed class CheckpointBuilder : StepDeclaration<CheckpointBuilder>
{
    internal CheckpointBuilder(StepDefinition definition)
        : base(definition)
    {
    }
}
