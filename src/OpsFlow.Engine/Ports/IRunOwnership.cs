namespace OpsFlow.Engine.Ports;

/// <summary>
/// Which host drives a run. Several hosts on one database must never drive one run at once, so a host holds a
/// lease on a run before it loads it, renews its leases while it drives them, and gives a lease up when the run
/// goes idle or ends. A lease that is not renewed expires: the host died, and another may take the run over.
/// </summary>
public interface IRunOwnership : IRunMailbox
{
    /// <summary>True when several hosts may share the database: the engine then leaves idle runs to whoever needs them next.</summary>
    bool IsShared { get; }

    /// <summary>This host's name in the leases (unique per process).</summary>
    string HostId { get; }

    /// <summary>Takes the run for this host unless another host holds a lease on it that has not expired.</summary>
    Task<bool> TryClaimAsync(string runId, DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>Extends every lease this host holds; returns the runs among <paramref name="runIds"/> it no longer holds.</summary>
    Task<IReadOnlyCollection<string>> RenewAsync(IReadOnlyCollection<string> runIds, DateTimeOffset until, CancellationToken cancellationToken = default);

    Task ReleaseAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>The host holding an unexpired lease on the run, or null when nobody does.</summary>
    Task<string?> HolderAsync(string runId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Runs whose lease expired without being released: their host died while driving them.</summary>
    Task<IReadOnlyList<string>> ExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}

/// <summary>One host per database (SQLite, the tests, the command line): this host owns every run.</summary>
public sealed class SingleHostOwnership : IRunOwnership
{
    public static SingleHostOwnership Instance { get; } = new();

    public bool IsShared => false;

    public string HostId => "this-host";

    public Task<bool> TryClaimAsync(string runId, DateTimeOffset until, CancellationToken cancellationToken = default) => Task.FromResult(true);

    public Task<IReadOnlyCollection<string>> RenewAsync(IReadOnlyCollection<string> runIds, DateTimeOffset until, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyCollection<string>>([]);

    public Task ReleaseAsync(string runId, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<string?> HolderAsync(string runId, DateTimeOffset now, CancellationToken cancellationToken = default) => Task.FromResult<string?>(null);

    public Task<IReadOnlyList<string>> ExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<string>>([]);

    // One host drives every run itself: a command never has to be left for another host.
    public Task<long> PostAsync(string runId, string payload, DateTimeOffset at, CancellationToken cancellationToken = default) => throw NoMailbox();

    public Task<IReadOnlyList<RunLetter>> TakeAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<RunLetter>>([]);

    public Task<bool> TryTakeBackAsync(long letterId, CancellationToken cancellationToken = default) => throw NoMailbox();

    public Task PutBackAsync(long letterId, CancellationToken cancellationToken = default) => throw NoMailbox();

    public Task AnswerAsync(long letterId, string answer, DateTimeOffset at, CancellationToken cancellationToken = default) => throw NoMailbox();

    public Task<RunLetterState?> ReadAsync(long letterId, CancellationToken cancellationToken = default) => throw NoMailbox();

    public Task DeleteAsync(long letterId, CancellationToken cancellationToken = default) => throw NoMailbox();

    private static InvalidOperationException NoMailbox() => new("A single host drives every run itself and has no mailbox.");
}
