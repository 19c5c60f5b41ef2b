using System.Runtime.CompilerServices;

namespace OpsFlow.Engine.Definitions;

/// <summary>
/// The in-code definition API. Scripts (a later layer) produce the same <see cref="WorkflowDefinition"/>.
/// Each step remembers the source line that declared it, so graph errors can point at it.
/// </summary>
public sealed class WorkflowBuilder(string name, string description = "")
{
    private readonly List<ParameterDefinition> _parameters = [];
    private readonly List<StepDeclaration> _steps = [];
    private Func<ConditionContext, bool>? _scope;
    private string? _lockKey;
    private LockMode _lockMode;
    private bool _allowSelfApproval;
    private int? _maxParallelism;
    private int? _manualMinutes;
    private readonly List<ScheduleSpec> _schedules = [];
    private readonly List<StartRule> _startRules = [];

    public string Name { get; } = name;

    public WorkflowBuilder Parameter(ParameterDefinition parameter)
    {
        _parameters.Add(parameter);
        return this;
    }

    /// <summary>One run per key at a time; <paramref name="mode"/> says whether a second one is refused or queued.</summary>
    public WorkflowBuilder Lock(string key, LockMode mode = LockMode.Refuse)
    {
        _lockKey = key;
        _lockMode = mode;
        return this;
    }

    public WorkflowBuilder AllowSelfApproval(bool allow = true)
    {
        _allowSelfApproval = allow;
        return this;
    }

    /// <summary>How many minutes the work takes a person by hand (the seed's manual-time estimate): reports multiply it by the succeeded runs.</summary>
    public WorkflowBuilder ManualMinutes(int minutes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minutes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minutes, 7 * 24 * 60);
        _manualMinutes = minutes;
        return this;
    }

    public WorkflowBuilder MaxParallelism(int steps)
    {
        _maxParallelism = steps;
        return this;
    }

    /// <summary>Runs this workflow on a cron schedule, with these parameters; see <see cref="ScheduleSpec"/>.</summary>
    public WorkflowBuilder Schedule(ScheduleSpec schedule)
    {
        _schedules.Add(schedule);
        return this;
    }

    /// <summary>Narrows who may start the workflow: everyone who starts it must match the rule (when its condition holds).</summary>
    public WorkflowBuilder StartableBy(StartRule rule)
    {
        _startRules.Add(rule);
        return this;
    }

    public StepBuilder Step(string step, Func<StepContext, Task> body, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Add(new StepBuilder(Scoped(new StepDefinition(step, StepKind.Action) { Body = body, Source = new SourceLocation(Path.GetFileName(file), line) })));

    public StepBuilder Step(string step, Action<StepContext> body, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Step(step, ctx => { body(ctx); return Task.CompletedTask; }, file, line);

    public ApprovalBuilder Approval(string step, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Add(new ApprovalBuilder(Scoped(new StepDefinition(step, StepKind.Approval) { Approval = new ApprovalPolicy(), Source = new SourceLocation(Path.GetFileName(file), line) })));

    public CheckpointBuilder Checkpoint(string step, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Add(new CheckpointBuilder(Scoped(new StepDefinition(step, StepKind.Checkpoint) { Source = new SourceLocation(Path.GetFileName(file), line) })));

    /// <summary>
    /// A conditional branch: steps declared in <paramref name="then"/> run when the condition holds, those in
    /// <paramref name="otherwise"/> when it does not; the others are Skipped, which counts as done downstream.
    /// </summary>
    public WorkflowBuilder Branch(Func<ConditionContext, bool> condition, Action<WorkflowBuilder> then, Action<WorkflowBuilder>? otherwise = null)
    {
        var outer = _scope;
        _scope = And(outer, condition);
        then(this);
        if (otherwise is not null)
        {
            _scope = And(outer, c => !condition(c));
            otherwise(this);
        }

        _scope = outer;
        return this;
    }

    /// <summary>Builds and validates; throws <see cref="WorkflowDefinitionException"/> listing every problem.</summary>
    public WorkflowDefinition Build(string? version = null)
    {
        var descriptor = new WorkflowDescriptor(Name, description, _parameters.ToArray()) { Version = version, Schedules = _schedules.ToArray(), StartRules = _startRules.ToArray(), ManualMinutes = _manualMinutes };
        var definition = new WorkflowDefinition(descriptor, _steps.Select(s => s.Definition).ToArray())
        {
            LockKey = _lockKey,
            LockMode = _lockMode,
            AllowSelfApproval = _allowSelfApproval,
            MaxParallelism = _maxParallelism,
        };
        DefinitionValidator.ThrowIfInvalid(definition);
        return definition;
    }

    private StepDefinition Scoped(StepDefinition step) => step with { Condition = _scope };

    private T Add<T>(T builder)
        where T : StepDeclaration
    {
        _steps.Add(builder);
        return builder;
    }

    internal static Func<ConditionContext, bool>? And(Func<ConditionContext, bool>? first, Func<ConditionContext, bool>? second) =>
        (first, second) switch
        {
            (null, _) => second,
            (_, null) => first,
            _ => c => first(c) && second(c),
        };
}
