namespace OpsFlow.Engine.Definitions;

/// <summary>
/// What the processes an attempt started used (issue 21, item 6): CPU time (user + system, their own children
/// included) and the largest resident memory seen, in bytes. Measured by whoever ran them (ctx.Run samples the
/// process tree); an attempt that started none reports nothing.
/// </summary>
public sealed record ProcessUse(TimeSpan CpuTime, long PeakMemoryBytes)
{
    /// <summary>Two processes of one attempt: CPU adds up; the peak is the larger one (they usually run one after another).</summary>
    public ProcessUse Plus(ProcessUse other) =>
        new(CpuTime + other.CpuTime, Math.Max(PeakMemoryBytes, other.PeakMemoryBytes));
}
