namespace OpsFlow.Engine.Definitions;

/// <summary>What a workflow is called and what it takes: enough to list it and validate a start.</summary>
public sealed record WorkflowDescriptor(string Name, string Description, IReadOnlyList<ParameterDefinition> Parameters)
{
    /// <summary>Identifies the definition's code (a script's content hash); null for in-code definitions.</summary>
    public string? Version { get; init; }

    /// <summary>Recurring runs the workflow declares for itself.</summary>
    public IReadOnlyList<ScheduleSpec> Schedules { get; init; } = [];

    /// <summary>Who may start it, beyond the operator role (see <see cref="Model.StartRights"/>); none means any operator.</summary>
    public IReadOnlyList<StartRule> StartRules { get; init; } = [];

    /// <summary>How many minutes the work takes a person by hand; reports count it per succeeded run as time saved. Null when not declared.</summary>
    public int? ManualMinutes { get; init; }
}

/// <summary>A workflow's step graph for one run, validated (see <see cref="DefinitionValidator"/>).</summary>
public sealed record WorkflowDefinition(WorkflowDescriptor Descriptor, IReadOnlyList<StepDefinition> Steps)
{
    public string Name => Descriptor.Name;

    /// <summary>One run per key at a time (e.g. "web-app/prod"); null for no lock.</summary>
    public string? LockKey { get; init; }
    public LockMode LockMode { get; init; } = LockMode.Refuse;
    /// <summary>Lets the requester approve their own run. Off by default (four-eyes).</summary>
    public bool AllowSelfApproval { get; init; }
    /// <summary>Overrides the engine's default number of steps run at once.</summary>
    public int? MaxParallelism { get; init; }

    /// <summary>
    /// What the definition's author environment lends its steps (<see cref="StepContext.Services"/>): a script's
    /// machine and nodes, or the fakes of <c>opsflow test</c>. The engine only passes it on; null lends nothing.
    /// </summary>
    public IServiceProvider? Services { get; init; }

    public StepDefinition? Find(string step) => Steps.FirstOrDefault(s => string.Equals(s.Name, step, StringComparison.Ordinal));
}

/// <summary>What a <see cref="StepDefinition.Condition"/> can see: the parameters and earlier outputs.</summary>
public sealed class ConditionContext(ParameterValues parameters, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> outputs)
{
    public ParameterValues Parameters { get; } = parameters;

    /// <summary>True once the condition has read an output: a dry run cannot decide it in advance.</summary>
    public bool ReadsOutputs { get; private set; }

    public string? Output(string step, string key)
    {
        ReadsOutputs = true;
        return outputs.TryGetValue(step, out var values) && values.TryGetValue(key, out var value) ? value : null;
    }

    /// <summary>An earlier output as a number, bool or duration, or null when there is none; other text throws, which fails the step the condition guards.</summary>
    public T? Output<T>(string step, string key)
        where T : struct =>
        Output(step, key) is not { } text ? null
        : TypedText.TryParse<T>(text, out var value) ? value
        : throw new StepFailedException($"output '{key}' of step '{step}' is '{text}', which is not {TypedText.Expected<T>()}", retry: false);
}
