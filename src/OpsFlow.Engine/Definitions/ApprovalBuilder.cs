namespace OpsFlow.Engine.Definitions;

/// <summary>An approval step: who decides, how many must approve, what they read, how long it waits and what then.</summary>
public sealed class ApprovalBuilder : StepDeclaration<ApprovalBuilder>
{
    internal ApprovalBuilder(StepDefinition definition)
        : base(definition)
    {
    }

    public ApprovalBuilder Approvers(params string[] approvers) => WithApproval(p => p with { Approvers = approvers });

    public ApprovalBuilder Required(int count) => WithApproval(p => p with { Required = count });

    public ApprovalBuilder Message(string message) => WithApproval(p => p with { Message = message });

    /// <summary>How long the approval waits for its decision.</summary>
    public ApprovalBuilder Timeout(TimeSpan timeout) => WithApproval(p => p with { Timeout = timeout });

    public ApprovalBuilder Extend(TimeSpan by, int maxTimes = 1) => WithApproval(p => p with { ExtendBy = by, MaxExtensions = maxTimes });

    /// <summary>
    /// Reminds the approvers every <paramref name="every"/> while the approval waits (default: every 30 minutes, 3
    /// times); at least <see cref="ApprovalPolicy.MinReminderInterval"/> apart, at most <see cref="ApprovalPolicy.ReminderCap"/>
    /// times; <c>maxTimes: 0</c> turns reminders off.
    /// </summary>
    public ApprovalBuilder Remind(TimeSpan every, int maxTimes = 3)
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

    public ApprovalBuilder EscalateTo(params string[] approvers) =>
        WithApproval(p => p with { OnTimeout = ApprovalTimeoutAction.Escalate, EscalateTo = approvers });

    private ApprovalBuilder WithApproval(Func<ApprovalPolicy, ApprovalPolicy> change) =>
        Change(d => d with { Approval = change(d.Approval ?? new ApprovalPolicy()) });
}
