namespace OpsFlow.Engine.Definitions;

/// <summary>
/// Retry with exponential backoff (seed §6, "retryable"). <see cref="MaxAttempts"/> counts the first
/// attempt too: 3 means one try and two retries.
/// </summary>
public sealed record RetryPolicy(int MaxAttempts, TimeSpan InitialDelay, double Backoff = 2.0)
{
    /// <summary>The longest wait between two attempts, whatever the backoff says. Default one hour.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Only these exception types (and their subtypes) are retried; empty: every exception but a <see cref="StepFailedException"/> with retry off.</summary>
    public IReadOnlyList<Type> RetryOn { get; init; } = [];

    /// <summary>Why <paramref name="error"/> may not be retried under this policy, or null when it may.</summary>
    public string? WhyNotRetried(Exception error) =>
        error is StepFailedException { Retry: false } ? "the step said trying again will not help"
        : RetryOn.Count > 0 && !RetryOn.Any(type => type.IsInstanceOfType(error)) ? $"{error.GetType().Name} is not one of the exceptions the step retries ({string.Join(", ", RetryOn.Select(t => t.Name))})"
        : null;

    /// <summary>The delay before attempt <paramref name="nextAttempt"/> (2 for the first retry).</summary>
    public TimeSpan DelayBefore(int nextAttempt)
    {
        var factor = Math.Pow(Backoff, Math.Max(0, nextAttempt - 2));
        var ticks = Math.Min(InitialDelay.Ticks * factor, MaxDelay.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}

public enum ApprovalTimeoutAction
{
    /// <summary>The approval is rejected when its time runs out (the safe default).</summary>
    Reject,
    /// <summary>The approval moves to <see cref="ApprovalPolicy.EscalateTo"/> once, with a new deadline.</summary>
    Escalate,
}

/// <summary>Who may approve a step and how (docs/product.md §6).</summary>
public sealed record ApprovalPolicy
{
    /// <summary>Users (UPN, id, "user:…") or roles ("role:…"). Empty: anyone but the requester.</summary>
    public IReadOnlyList<string> Approvers { get; init; } = [];
    /// <summary>Distinct approvers needed. One Reject ends the approval whatever the count.</summary>
    public int Required { get; init; } = 1;
    public TimeSpan Timeout { get; init; } = TimeSpan.FromHours(24);
    public ApprovalTimeoutAction OnTimeout { get; init; } = ApprovalTimeoutAction.Reject;
    public IReadOnlyList<string> EscalateTo { get; init; } = [];
    /// <summary>How much time an Extend adds, and how many times it may be pressed.</summary>
    public TimeSpan ExtendBy { get; init; } = TimeSpan.FromHours(1);
    public int MaxExtensions { get; init; } = 1;
    public string? Message { get; init; }
    /// <summary>While it waits, the approvers are reminded this often (from when it began), at most <see cref="MaxReminders"/> times.</summary>
    public TimeSpan RemindEvery { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>0: no reminders.</summary>
    public int MaxReminders { get; init; } = 3;

    /// <summary>The most reminders an approval may ask for: a reminder nobody acts on after this many is noise.</summary>
    public const int ReminderCap = 10;

    /// <summary>The shortest interval between reminders.</summary>
    public static readonly TimeSpan MinReminderInterval = TimeSpan.FromMinutes(5);
}

public enum LockMode
{
    /// <summary>A second run with the same lock key is refused, naming the holder.</summary>
    Refuse,
    /// <summary>A second run waits (Pending) until the holder ends, then starts.</summary>
    Queue,
}

/// <summary>Where a step was declared, so errors can point at the script line.</summary>
public sealed record SourceLocation(string File, int Line)
{
    public override string ToString() => $"{File}:{Line}";
}
