namespace OpsFlow.Bot.Tests;

/// <summary>
/// Tests that start a real host process and SIGKILL it. They run one at a time and alone: they share two cores
/// with the host they kill, and their timing assertions (a retry not early, a schedule's cadence) need the CPU.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessKillCollection
{
    public const string Name = "process kills";
}
