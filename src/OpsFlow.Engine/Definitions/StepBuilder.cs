namespace OpsFlow.Engine.Definitions;

/// <summary>A step that runs code: its retries, time limit, failure handling and compensation.</summary>
public sealed class StepBuilder : StepDeclaration<StepBuilder>
{
    internal StepBuilder(StepDefinition definition)
        : base(definition)
    {
    }

    public StepBuilder Retry(int max, TimeSpan initialDelay, double backoff = 2.0) =>
        Change(d => d with { Retry = new RetryPolicy(max, initialDelay, backoff) });

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

        return Change(d => d with { Retry = retry with { RetryOn = [.. retry.RetryOn, .. exceptionTypes] } });
    }

    /// <inheritdoc cref="RetryOn(Type[])"/>
    public StepBuilder RetryOn<TException>()
        where TException : Exception => RetryOn(typeof(TException));

    /// <summary>How long one attempt may take; then it is cancelled and fails as timed out.</summary>
    public StepBuilder Timeout(TimeSpan timeout) => Change(d => d with { Timeout = timeout });

    /// <summary>A failure of this step is recorded and the run goes on as if it succeeded (bookkeeping, notices).</summary>
    public StepBuilder ContinueOnError(bool continueOnError = true) => Change(d => d with { ContinueOnError = continueOnError });

    /// <summary>Undoes the step when a later failure rolls the run back (newest first, down to the last checkpoint).</summary>
    public StepBuilder Compensate(Func<StepContext, Task> compensation) => Change(d => d with { Compensation = compensation });

    /// <inheritdoc cref="Compensate(Func{StepContext, Task})"/>
    public StepBuilder Compensate(Action<StepContext> compensation) =>
        Compensate(ctx => { compensation(ctx); return Task.CompletedTask; });
}
