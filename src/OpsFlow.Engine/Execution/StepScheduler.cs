using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Execution;

/// <summary>What the scheduler says should happen to one step; the coordinator records it, in the order given.</summary>
internal abstract record StepDecision(string Step, string Reason)
{
    /// <summary>Run an attempt: the first one (dependencies done) or a retry whose delay has passed.</summary>
    public sealed record Start(string Step, string Reason) : StepDecision(Step, Reason);

    public sealed record Skip(string Step, string Reason) : StepDecision(Step, Reason);

    /// <summary>The step's condition threw: the step is evaluated (one attempt) and fails with this error.</summary>
    public sealed record ConditionFailed(string Step, string Error) : StepDecision(Step, $"its condition threw: {Error}");

    public sealed record PassCheckpoint(string Step) : StepDecision(Step, "checkpoint: rollback stops here");

    public sealed record RequestApproval(string Step, DateTimeOffset Due, string Reason) : StepDecision(Step, Reason);
}

/// <summary>How a run ends, or waits, when its steps say so.</summary>
internal sealed record RunVerdict(RunStatus Status, string Reason);

/// <summary>
/// The rules of the step graph (docs/engine.md, "Failure, retry and rollback"): given the definition and the steps'
/// states, which steps start, which are skipped, which are compensated and in what order, and when the run is done.
/// It reads no clock (the time is an argument), does no I/O and keeps no state, so it is tested without an engine.
/// Conditions are evaluated here: they are the workflow's own rules about the graph, and a condition that throws
/// fails its step instead of the caller.
/// </summary>
internal sealed class StepScheduler
{
    private readonly WorkflowDefinition _definition;
    private readonly ParameterValues _parameters;
    // A dictionary, not WorkflowDefinition.Find: this is read for every step and dependency on each message.
    private readonly Dictionary<string, StepDefinition> _steps;
    // The approvals each step waits for through any path. Direct dependencies say the same as long as decisions only go
    // forward; an approval asked again (parameters changed) must hold back the pending steps after it that another,
    // already succeeded step stands between.
    private readonly Dictionary<string, string[]> _approvalsBefore;

    public StepScheduler(WorkflowDefinition definition, ParameterValues parameters)
    {
        _definition = definition;
        _parameters = parameters;
        _steps = definition.Steps.ToDictionary(s => s.Name, StringComparer.Ordinal);
        _approvalsBefore = definition.Steps.ToDictionary(s => s.Name, s => ApprovalsBefore(s.Name), StringComparer.Ordinal);
    }

    private string[] ApprovalsBefore(string step)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var open = new Stack<string>(_steps[step].DependsOn);
        while (open.TryPop(out var name))
        {
            if (seen.Add(name) && _steps.TryGetValue(name, out var before))
            {
                foreach (var dependency in before.DependsOn)
                {
                    open.Push(dependency);
                }
            }
        }

        return seen.Where(name => _steps.TryGetValue(name, out var before) && before.Kind == StepKind.Approval).ToArray();
    }

    public StepDefinition Definition(string step) =>
        _steps.TryGetValue(step, out var definition)
            ? definition
            : throw new InvalidOperationException($"Workflow '{_definition.Name}' declares no step '{step}'.");

    public StepKind KindOf(string step) => _steps.TryGetValue(step, out var definition) ? definition.Kind : StepKind.Action;

    /// <summary>
    /// What starts or is decided now, in declaration order, until nothing more becomes ready: a skipped step may let
    /// the steps after it go in the same call. At most <paramref name="limit"/> steps run at once.
    /// </summary>
    public IReadOnlyList<StepDecision> Ready(IReadOnlyDictionary<string, StepRecord> steps, DateTimeOffset now, int limit)
    {
        // The states as the decisions so far leave them; the records themselves change only when they are applied.
        var status = steps.Values.ToDictionary(s => s.Name, s => s.Status, StringComparer.Ordinal);
        var decisions = new List<StepDecision>();
        bool changed;
        do
        {
            changed = false;
            var running = status.Values.Count(s => s == StepStatus.Running);
            foreach (var definition in _definition.Steps)
            {
                var step = steps[definition.Name];
                var current = status[definition.Name];
                if (current == StepStatus.Waiting && definition.Kind == StepKind.Action && step.DueAt <= now && running < limit)
                {
                    var reason = $"retry: attempt {step.Attempt + 1} of {definition.Retry?.MaxAttempts}{Lateness(step.DueAt.Value, now)}";
                    decisions.Add(new StepDecision.Start(definition.Name, reason));
                    status[definition.Name] = StepStatus.Running;
                    running++;
                    continue;
                }

                if (current != StepStatus.Pending || !DependenciesDone(definition, status, out var skippedDependency)
                    || _approvalsBefore[definition.Name].Any(a => status[a] is StepStatus.Pending or StepStatus.Waiting))
                {
                    continue;
                }

                var decision = Decide(definition, skippedDependency, steps, now, running < limit);
                if (decision is null)
                {
                    continue;
                }

                decisions.Add(decision);
                status[definition.Name] = decision switch
                {
                    StepDecision.Skip => StepStatus.Skipped,
                    StepDecision.ConditionFailed => StepStatus.Failed,
                    StepDecision.PassCheckpoint => StepStatus.Succeeded,
                    StepDecision.RequestApproval => StepStatus.Waiting,
                    _ => StepStatus.Running,
                };
                if (decision is StepDecision.Start)
                {
                    running++;
                }

                // A step that is done (or failed) at once may make others ready; one that starts or waits does not.
                changed |= decision is not (StepDecision.Start or StepDecision.RequestApproval);
            }
        }
        while (changed);

        return decisions;
    }

    /// <summary>What becomes of a step whose dependencies are done; null when it must wait for a free slot.</summary>
    private StepDecision? Decide(StepDefinition definition, string? skippedDependency, IReadOnlyDictionary<string, StepRecord> steps, DateTimeOffset now, bool slotFree)
    {
        if (definition.SkipWhenDependencySkipped && skippedDependency is not null)
        {
            return new StepDecision.Skip(definition.Name, $"dependency '{skippedDependency}' was skipped");
        }

        if (!ConditionHolds(definition, steps, out var conditionError))
        {
            return conditionError is null
                ? new StepDecision.Skip(definition.Name, "its condition is false")
                : new StepDecision.ConditionFailed(definition.Name, conditionError);
        }

        switch (definition.Kind)
        {
            case StepKind.Checkpoint:
                return new StepDecision.PassCheckpoint(definition.Name);
            case StepKind.Approval:
                var policy = definition.Approval!;
                var due = now + policy.Timeout;
                return new StepDecision.RequestApproval(definition.Name, due, ApprovalRequestText(policy, due));
            default:
                return slotFree ? new StepDecision.Start(definition.Name, "dependencies done") : null;
        }
    }

    private bool DependenciesDone(StepDefinition definition, Dictionary<string, StepStatus> status, out string? skippedDependency)
    {
        skippedDependency = null;
        foreach (var name in definition.DependsOn)
        {
            switch (status[name])
            {
                case StepStatus.Succeeded:
                    break;
                case StepStatus.Skipped:
                    skippedDependency ??= name;
                    break;
                case StepStatus.Failed or StepStatus.TimedOut when Definition(name).ContinueOnError:
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    private bool ConditionHolds(StepDefinition definition, IReadOnlyDictionary<string, StepRecord> steps, out string? error)
    {
        error = null;
        if (definition.Condition is null)
        {
            return true;
        }

        try
        {
            return definition.Condition(new ConditionContext(_parameters, OutputsOf(steps)));
        }
        catch (Exception ex)
        {
            // A condition is user code: its exception fails the step, it must not kill the coordinator.
            error = $"{ex.GetType().Name}: {ex.Message}";
            return false;
        }
    }

    /// <summary>The outputs steps have recorded so far, for conditions and the steps that start now.</summary>
    public static Dictionary<string, IReadOnlyDictionary<string, string>> OutputsOf(IReadOnlyDictionary<string, StepRecord> steps) =>
        steps.Values
            .Where(s => s.Outputs.Count > 0)
            .ToDictionary(s => s.Name, s => s.Outputs, StringComparer.Ordinal);

    /// <summary>The first step whose failure fails the run (it may not fail: no ContinueOnError), or null.</summary>
    public StepRecord? FirstFatalFailure(IReadOnlyDictionary<string, StepRecord> steps) =>
        steps.Values.FirstOrDefault(s => s.Status is StepStatus.Failed or StepStatus.TimedOut && !Definition(s.Name).ContinueOnError);

    /// <summary>
    /// Succeeded when every step is done; WaitingForApproval when approvals wait and nothing runs or waits for a
    /// retry; null while the run goes on as it is.
    /// </summary>
    public RunVerdict? Settle(IReadOnlyDictionary<string, StepRecord> steps)
    {
        if (steps.Values.All(IsDone))
        {
            return new RunVerdict(RunStatus.Succeeded, $"all {steps.Count} steps done");
        }

        var busy = steps.Values.Any(s => s.Status == StepStatus.Running
            || (s.Status == StepStatus.Waiting && Definition(s.Name).Kind == StepKind.Action));
        var approvals = WaitingApprovals(steps);
        return !busy && approvals.Count > 0
            ? new RunVerdict(RunStatus.WaitingForApproval, $"waiting for approval of {string.Join(", ", approvals.Select(a => a.Name))}")
            : null;
    }

    private bool IsDone(StepRecord step) => step.Status switch
    {
        StepStatus.Succeeded or StepStatus.Skipped => true,
        StepStatus.Failed or StepStatus.TimedOut => Definition(step.Name).ContinueOnError,
        _ => false,
    };

    public IReadOnlyList<StepRecord> WaitingApprovals(IReadOnlyDictionary<string, StepRecord> steps) =>
        steps.Values.Where(s => s.Status == StepStatus.Waiting && Definition(s.Name).Kind == StepKind.Approval).ToArray();

    /// <summary>
    /// The rollback order: first the step that failed part-way over many items (some nodes were changed; its
    /// compensation undoes those), then the succeeded steps with a compensation completed after the latest checkpoint,
    /// newest first.
    /// </summary>
    public IReadOnlyList<StepRecord> CompensationQueue(IReadOnlyDictionary<string, StepRecord> steps)
    {
        var checkpoint = steps.Values
            .Where(s => s.Status == StepStatus.Succeeded && Definition(s.Name).Kind == StepKind.Checkpoint)
            .Max(s => s.CompletedSeq) ?? 0;
        var partial = steps.Values
            .Where(s => s.Status is StepStatus.Failed or StepStatus.TimedOut && s.Items.Any(i => i.Touched)
                && Definition(s.Name) is { Compensation: not null, ContinueOnError: false });
        return [.. partial, .. steps.Values
            .Where(s => s.Status == StepStatus.Succeeded && s.CompletedSeq > checkpoint && Definition(s.Name).Compensation is not null)
            .OrderByDescending(s => s.CompletedSeq)];
    }

    /// <summary>
    /// During a rollback: the step to compensate next, or null with <paramref name="complete"/> true when nothing is
    /// left to undo. Nothing starts while a compensation runs: they run one at a time.
    /// </summary>
    public StepRecord? NextCompensation(IReadOnlyDictionary<string, StepRecord> steps, out bool complete)
    {
        complete = false;
        if (steps.Values.Any(s => s.Status == StepStatus.Compensating))
        {
            return null;
        }

        var queue = CompensationQueue(steps);
        complete = queue.Count == 0;
        return complete ? null : queue[0];
    }

    /// <summary>The delay before the next attempt of a step whose attempt failed, or null when no attempt is left.</summary>
    public TimeSpan? RetryDelay(string step, int attempt) =>
        Definition(step).Retry is { } retry && attempt < retry.MaxAttempts ? retry.DelayBefore(attempt + 1) : null;

    public int MaxAttempts(string step) => Definition(step).Retry?.MaxAttempts ?? 1;

    /// <summary>The next number in the order steps completed in (rollback walks it backwards).</summary>
    public static long NextCompletedSeq(IReadOnlyDictionary<string, StepRecord> steps) => steps.Values.Max(s => s.CompletedSeq ?? 0) + 1;

    /// <summary>Says so when a timer fired well after its time: the host was down (or very busy) when it was due.</summary>
    public static string Lateness(DateTimeOffset due, DateTimeOffset now)
    {
        var late = now - due;
        return late < TimeSpan.FromSeconds(5) ? string.Empty : $" (due {due:u}, {late.TotalSeconds:0} s late: OpsFlow was down or busy then)";
    }

    private static string ApprovalRequestText(ApprovalPolicy policy, DateTimeOffset due)
    {
        var who = policy.Approvers.Count == 0 ? "any operator" : string.Join(", ", policy.Approvers);
        var message = policy.Message is null ? string.Empty : $": {policy.Message}";
        return $"waiting for {policy.Required} approval(s) from {who} until {due:u}{message}";
    }
}
