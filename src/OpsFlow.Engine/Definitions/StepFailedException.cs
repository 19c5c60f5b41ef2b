namespace OpsFlow.Engine.Definitions;

/// <summary>
/// A step's failure that says how it should be treated: <c>throw new StepFailedException("the artifact is corrupt", retry: false)</c>
/// fails the step at once, whatever its retry policy, because trying again will not make it better (Temporal's
/// non-retryable errors). Any other exception is retried as the step's policy says (<see cref="StepBuilder.Retry"/>,
/// narrowed by <see cref="StepBuilder.RetryOn"/>).
/// </summary>
public sealed class StepFailedException : Exception
{
    public StepFailedException(string message, bool retry = true, Exception? inner = null)
        : base(message, inner)
    {
        Retry = retry;
    }

    public StepFailedException()
        : this("the step failed")
    {
    }

    public StepFailedException(string message)
        : this(message, retry: true)
    {
    }

    public StepFailedException(string message, Exception inner)
        : this(message, retry: true, inner)
    {
    }

    /// <summary>False: the step is not tried again.</summary>
    public bool Retry { get; }
}
