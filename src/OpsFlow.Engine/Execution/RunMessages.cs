using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Execution;

/// <summary>What a run's coordinator handles, one at a time, in order.</summary>
internal abstract record RunMessage
{
    /// <summary>Start (or go on with) the run: after creation, recovery, a lock grant or a revive.</summary>
    public sealed record Kick(bool Recovering) : RunMessage;

    public sealed record StepFinished(string Step, int Attempt, StepOutcome Outcome, string? Error, IReadOnlyDictionary<string, string> Outputs, IReadOnlyList<Finding> Findings) : RunMessage
    {
        /// <summary>Why the failure must not be retried (a StepFailedException with retry off, a type RetryOn leaves out); null: it may be.</summary>
        public string? NotRetried { get; init; }

        /// <summary>The exception's type, message and stack trace (script frames with file and line), masked; null when none.</summary>
        public string? ErrorDetail { get; init; }

        /// <summary>What the attempt's processes used; null when it started none.</summary>
        public ProcessUse? ProcessUse { get; init; }

        /// <summary>The step's items as the attempt left them.</summary>
        public IReadOnlyList<StepItem> Items { get; init; } = [];
    }

    public sealed record CompensationFinished(string Step, int Attempt, string? Error) : RunMessage
    {
        /// <summary>The step's items as the compensation left them (rolled back, or not).</summary>
        public IReadOnlyList<StepItem> Items { get; init; } = [];
    }

    public sealed record TimerFired(WorkflowTimer Timer) : RunMessage;

    public sealed record Command(RunCommand Request, TaskCompletionSource<CommandResult> Done) : RunMessage;

    /// <summary>Step log lines or progress are waiting to be saved.</summary>
    public sealed record Flush : RunMessage;
}

internal enum StepOutcome
{
    Succeeded,
    Failed,
    TimedOut,
    /// <summary>The run's token fired (cancel, shutdown): the coordinator already knows why.</summary>
    Cancelled,
}
