namespace OpsFlow.Engine.Model;

/// <summary>Which step made a run fail, from the stored records alone (no definition at hand).</summary>
public static class RunFailure
{
    /// <summary>
    /// The step the run's error names ("step 'build' failed: …", as the engine writes it), so a step that failed but
    /// was allowed to (ContinueOnError) is not taken for the cause; otherwise the first step to fail.
    /// </summary>
    public static StepRecord? StepOf(RunRecord run, IEnumerable<StepRecord> steps)
    {
        var failed = steps.Where(s => s.Status is StepStatus.Failed or StepStatus.TimedOut).OrderBy(s => s.EndedAt ?? DateTimeOffset.MaxValue).ToArray();
        return failed.FirstOrDefault(s => run.Error?.StartsWith($"step '{s.Name}' ", StringComparison.Ordinal) == true) ?? failed.FirstOrDefault();
    }
}
