using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Model;
using OpsFlow.Teams.Connector;
using OpsFlow.Teams.Inbound;

namespace OpsFlow.Teams.Commands;

/// <summary>
/// Who sent an activity, with their roles (docs/product.md §10): the Teams user id, the Entra object id Teams adds, and,
/// when configuration names people by UPN or the person decides an approval (whose approvers a script may name by
/// UPN), the UPN the connector reports for them: activities do not carry it. Each person is remembered
/// (<see cref="ChatPeople"/>) so that the bot can reach them in person later. Lookups are cached per user, so a busy chat costs one connector call per person every few minutes.
/// </summary>
internal sealed class ChatActors(ActorDirectory directory, ChatPeople people, IConnectorClient connector, TimeProvider clock, ILogger<ChatActors> logger)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(10);

    /// <summary>A failed lookup is tried again sooner, but not on every message of a chat whose connector is down.</summary>
    public static readonly TimeSpan RetryFailedAfter = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, (string? Upn, DateTimeOffset Until)> _upns = new(StringComparer.Ordinal);

    public async Task<Actor> ResolveAsync(Turn turn, bool deciding, CancellationToken cancellationToken)
    {
        var from = turn.Activity.From;
        var id = from?.Id;
        if (string.IsNullOrWhiteSpace(id))
        {
            return directory.Resolve("anonymous") with { Via = "chat" };
        }

        var upn = deciding || directory.NamesUpns() ? await UpnAsync(turn, id, cancellationToken) : null;
        await people.RememberAsync(turn, upn, cancellationToken);
        return directory.Resolve(id, from!.Name, upn, from.AadObjectId) with { Via = "chat" };
    }

    private async Task<string?> UpnAsync(Turn turn, string userId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_upns.TryGetValue(userId, out var cached) && cached.Until > now)
        {
            return cached.Upn;
        }

        try
        {
            var member = await connector.GetMemberAsync(turn.Conversation, userId, cancellationToken);
            var upn = string.IsNullOrWhiteSpace(member?.UserPrincipalName) ? null : member.UserPrincipalName;
            _upns[userId] = (upn, now + CacheFor);
            return upn;
        }
        catch (Exception ex) when (ex is ConnectorException or HttpRequestException)
        {
            // Without the UPN the user keeps what their ids give them: fewer rights, never more.
            CommandLog.MemberLookupFailed(logger, ex, userId);
            _upns[userId] = (null, now + RetryFailedAfter);
            return null;
        }
    }
}
