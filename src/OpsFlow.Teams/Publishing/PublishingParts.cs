using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Model;
using OpsFlow.Teams.Inbound;
using OpsFlow.Chat;

namespace OpsFlow.Teams.Publishing;

/// <summary>
/// What every conversation loop uses and none owns: the stateless writers, the stores, and two memories that only
/// spare work (<see cref="Announced"/> spares the notice log a claim per write; <see cref="WarnedUnreachable"/> keeps a
/// missing conversation to one log line per run). Both are thread-safe caches, and a run is in one loop at a time.
/// </summary>
internal sealed record PublishingParts(
    CardWriter Writer,
    NoticeSender Notices,
    RunCardSource Source,
    IChatStore Chats,
    ConversationDirectory Conversations,
    AccessOptions Access,
    TimeProvider Clock,
    ILogger Logger,
    TeamsTelemetry Telemetry)
{
    public BoundedCache<string, bool> Announced { get; } = new(10_000);

    public BoundedCache<string, bool> WarnedUnreachable { get; } = new(1_000);
}
