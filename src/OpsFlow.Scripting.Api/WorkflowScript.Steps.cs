using System.Runtime.CompilerServices;
using OpsFlow.Engine.Definitions;

namespace OpsFlow.Scripting.Api;

public sealed partial class WorkflowScript
{
    /// <summary>A step that runs <paramref name="body"/>; the returned builder sets After, When, Retry, Timeout, Compensate….</summary>
    public StepBuilder Step(string name, Func<StepContext, Task> body, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Builder.Step(name, body, file, line);

    /// <inheritdoc cref="Step(string, Func{StepContext, Task}, string, int)"/>
    public StepBuilder Step(string name, Action<StepContext> body, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Builder.Step(name, body, file, line);

    /// <summary>A step that waits for people to approve or reject (set Approvers, Required, Timeout, Message).</summary>
    public ApprovalBuilder Approval(string name, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Builder.Approval(name, file, line);

    /// <summary>A point rollback stops at: steps completed before it are not compensated.</summary>
    public CheckpointBuilder Checkpoint(string name, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Builder.Checkpoint(name, file, line);

    /// <summary>
    /// Steps declared in <paramref name="then"/> run when the condition holds, those in <paramref name="otherwise"/>
    /// when it does not; the others end Skipped, which counts as done for steps after them.
    /// </summary>
    public void Branch(Func<bool> condition, Action then, Action? otherwise = null) =>
        Branch(_ => condition(), then, otherwise);

    /// <summary>A branch on earlier steps' outputs, decided when its first step becomes ready.</summary>
    public void Branch(Func<ConditionContext, bool> condition, Action then, Action? otherwise = null) =>
        Builder.Branch(condition, _ => then(), otherwise is null ? null : _ => otherwise());
}
