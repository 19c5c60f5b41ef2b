namespace OpsFlow.Engine.Ports;

/// <summary>A command left for the host that drives a run (<see cref="Payload"/> is the engine's own encoding).</summary>
public sealed record RunLetter(long Id, string RunId, string Payload);

/// <summary>Where a letter is: <see cref="TakenBy"/> is the host handling it, <see cref="Answer"/> its result once handled.</summary>
public sealed record RunLetterState(string? TakenBy, string? Answer);

/// <summary>
/// Several hosts: a command for a run that another host is executing cannot wait for that run to go idle (a cancel
/// during a ten-minute deploy step is exactly when it is needed). The receiving host leaves the command here; the host
/// holding the run's lease takes it, hands it to the run and writes the answer back, which the sender reads and
/// returns. Each letter is taken by one host at a time: taking is one conditional update.
/// </summary>
public interface IRunMailbox
{
    /// <summary>Leaves a command for the run's driver; returns the letter's id.</summary>
    Task<long> PostAsync(string runId, string payload, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Takes every untaken letter for a run whose lease this host holds.</summary>
    Task<IReadOnlyList<RunLetter>> TakeAsync(CancellationToken cancellationToken = default);

    /// <summary>The sender takes its own letter back (to withdraw it, or because the run came free): true when nobody had it.</summary>
    Task<bool> TryTakeBackAsync(long letterId, CancellationToken cancellationToken = default);

    /// <summary>A host that took a letter but no longer drives the run leaves it for someone else.</summary>
    Task PutBackAsync(long letterId, CancellationToken cancellationToken = default);

    Task AnswerAsync(long letterId, string answer, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>The letter's state, or null when it is gone.</summary>
    Task<RunLetterState?> ReadAsync(long letterId, CancellationToken cancellationToken = default);

    Task DeleteAsync(long letterId, CancellationToken cancellationToken = default);
}
