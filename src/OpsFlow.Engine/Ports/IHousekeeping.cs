namespace OpsFlow.Engine.Ports;

/// <summary>
/// A clean-up that must run on a long-lived host, not only at start (expired inbound activity ids, old chat notices):
/// the scheduler runs every registered one each hour, on one host of a cluster at a time.
/// </summary>
public interface IHousekeeping
{
    /// <summary>What it keeps tidy, for the log.</summary>
    string Name { get; }

    /// <summary>Removes what is past its retention at <paramref name="now"/>; returns how many items went.</summary>
    Task<int> RunAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
