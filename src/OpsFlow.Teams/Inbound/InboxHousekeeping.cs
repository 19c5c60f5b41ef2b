using OpsFlow.Chat;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Teams.Inbound;

/// <summary>
/// Forgets handled inbound activity ids (and the notices kept with them) once they are older than
/// <see cref="TeamsOptions.InboxRetention"/>: "kept 2 days" holds on a host that runs for months, not only after a start.
/// </summary>
internal sealed class InboxHousekeeping(IChatStore store, TeamsOptions options) : IHousekeeping
{
    public string Name => "chat inbox";

    public Task<int> RunAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        store.PruneAsync(now - options.InboxRetention, cancellationToken);
}
