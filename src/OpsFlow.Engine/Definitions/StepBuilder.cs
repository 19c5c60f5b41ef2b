namespace OpsFlow.Engine.Definitions;

/// <summary>Fluent settings of one step. Approval settings apply to approval steps only.</summary>
public sealed class StepBuilder
{
    internal StepBuilder(StepDefinition definition) => Definition = definition;

    public string Name => Definition.Name;

    internal StepDefinition Definition { get; private set; }

    public StepBuilder After(params string[] steps)
    {
        Definition = Definition with { DependsOn = [.. Definition.DependsOn, .. steps] };
        return this;
    }

    public StepBuilder After(params StepBuilder[] steps) => After(steps.Select(s => s.Name).ToArray());

    public StepBuilder When(Func<ConditionContext, bool> condition)
    {
        Definition = Definition with { Condition = WorkflowBuilder.And(Definition.Condition, condition) };
        return this;
    }

    public StepBuilder When(Func<bool> condition) => When(_ => condition());

    public StepBuilder Retry(int max, TimeSpan initialDelay, double backoff = 2.0)
    {
        Definition = Definition with { Retry = new RetryPolicy(max, initialDelay, backoff) };
        return this;
    }

    /// <summary>
    /// Retries only these exception types (and their subtypes); any other exception fails the step at once. Needs a
    /// <see cref="Retry"/> policy first (it says how often and how long to wait).
    /// </summary>
    public StepBuilder RetryOn(params Type[] exceptionTypes)
    {
        if (Definition.Retry is not { } retry)
        {
            throw new InvalidOperationException($"Step '{Name}': call Retry(max, delay) before RetryOn(...), which narrows what is retried.");
        }

        if (exceptionTypes.FirstOrDefault(t => !typeof(Exception).IsAssignableFrom(t)) is { } wrong)
        {
            throw new ArgumentException($"Step '{Name}': RetryOn takes exception types; {wrong.Name} is not one.", nameof(exceptionTypes));
        }

        Definition = Definition with { Retry = retry with { RetryOn = [.. retry.RetryOn, .. exceptionTypes] } };
        return this;
    }

    /// <inheritdoc cref="RetryOn(Type[])"/>
    public StepBuilder RetryOn<TException>()
        where TException : Exception => RetryOn(typeof(TException));

    public StepBuilder Timeout(TimeSpan timeout)
    {
        Definition = Definition.Kind == StepKind.Approval
            ? Definition with { Approval = Policy with { Timeout = timeout } }
            : Definition with { Timeout = timeout };
        return this;
    }

    public StepBuilder ContinueOnError(bool continueOnError = true)
    {
        Definition = Definition with { ContinueOnError = continueOnError };
        return this;
    }

    /// <summary>Skip this step when a dependency was skipped, instead of counting the skip as done.</summary>
    public StepBuilder SkipWhenDependencySkipped(bool skip = true)
    {
        Definition = Definition with { SkipWhenDependencySkipped = skip };
        return this;
    }

    public StepBuilder Compensate(Func<StepContext, Task> compensation)
    {
        Definition = Definition with { Compensation = compensation };
        return this;
    }

    public StepBuilder Compensate(Action<StepContext> compensation) =>
        Compensate(ctx => { compensation(ctx); return Task.CompletedTask; });

    public StepBuilder Approvers(params string[] approvers) => WithApproval(p => p with { Approvers = approvers });

    public StepBuilder Required(int count) => WithApproval(p => p with { Required = count });

    public StepBuilder Message(string message) => WithApproval(p => p with { Message = message });

    public StepBuilder Extend(TimeSpan by, int maxTimes = 1) => WithApproval(p => p with { ExtendBy = by, MaxExtensions = maxTimes });

    /// <summary>
    /// Reminds the approvers every <paramref name="every"/> while the approval waits (default: every 30 minutes, 3
    /// times); at least <see cref="ApprovalPolicy.MinReminderInterval"/> apart, at most <see cref="ApprovalPolicy.ReminderCap"/>
    /// times; <c>maxTimes: 0</c> turns reminders off.
    /// </summary>
    public StepBuilder Remind(TimeSpan every, int maxTimes = 3)
    {
        if (maxTimes is < 0 or > ApprovalPolicy.ReminderCap)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTimes), maxTimes, $"Step '{Name}': remind at most {ApprovalPolicy.ReminderCap} times (0 turns reminders off).");
        }

        if (maxTimes > 0 && every < ApprovalPolicy.MinReminderInterval)
        {
            throw new ArgumentOutOfRangeException(nameof(every), every, $"Step '{Name}': reminders must be at least {ApprovalPolicy.MinReminderInterval.TotalMinutes:0} minutes apart.");
        }

        return WithApproval(p => p with { RemindEvery = every, MaxReminders = maxTimes });
    }

    public StepBuilder EscalateTo(params string[] approvers) =>
        WithApproval(p => p with { OnTimeout = ApprovalTimeoutAction.Escalate, EscalateTo = approvers });

    private ApprovalPolicy Policy => Definition.Approval ?? new ApprovalPolicy();

    private StepBuilder WithApproval(Func<ApprovalPolicy, ApprovalPolicy> change)
    {
        if (Definition.Kind != StepKind.Approval)
        {
            throw new InvalidOperationException($"Step '{Name}' is not an approval step; approval settings do not apply to it.");
        }

        Definition = Definition with { Approval = change(Policy) };
        return this;
    }
}
