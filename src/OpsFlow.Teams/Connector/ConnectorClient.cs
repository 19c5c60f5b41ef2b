using System.Text.Json;
using Microsoft.Extensions.Logging;
using OpsFlow.Teams.Auth;
using OpsFlow.Teams.Ports;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Connector;

/// <summary>
/// The Bot Connector REST API over a typed HttpClient: v3 conversation activities and members at the conversation's
/// serviceUrl, with a Bearer token when <see cref="IBotTokenSource"/> has one, and retries (see the other part).
/// </summary>
public sealed partial class ConnectorClient(
    HttpClient http,
    IBotTokenSource tokens,
    ConnectorOptions options,
    TimeProvider time,
    ILogger<ConnectorClient> logger,
    TeamsTelemetry? telemetry = null) : IConnectorClient
{
    private readonly TeamsTelemetry _telemetry = telemetry ?? TeamsTelemetry.Unregistered;

    public async Task<string?> SendAsync(ConversationReference conversation, Activity activity, CancellationToken cancellationToken = default)
    {
        var answer = await CallAsync(HttpMethod.Post, ActivitiesUrl(conversation, null), Body(activity), conversation.ConversationId, cancellationToken);
        return ReadActivityId(answer);
    }

    public async Task<string?> ReplyAsync(ConversationReference conversation, string replyToId, Activity activity, CancellationToken cancellationToken = default)
    {
        var reply = activity.ReplyToId is null ? activity with { ReplyToId = replyToId } : activity;
        var answer = await CallAsync(HttpMethod.Post, ActivitiesUrl(conversation, replyToId), Body(reply), conversation.ConversationId, cancellationToken);
        return ReadActivityId(answer);
    }

    public async Task UpdateAsync(ConversationReference conversation, string activityId, Activity activity, CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Put, ActivitiesUrl(conversation, activityId), Body(activity with { Id = activityId }), conversation.ConversationId, cancellationToken);

    public async Task<ConversationMember?> GetMemberAsync(ConversationReference conversation, string userId, CancellationToken cancellationToken = default)
    {
        var url = new Uri($"{ConversationUrl(conversation)}/members/{Uri.EscapeDataString(userId)}");
        var answer = await CallAsync(HttpMethod.Get, url, null, conversation.ConversationId, cancellationToken, notFoundIsAnswer: true);
        if (answer.Status == 404 || string.IsNullOrWhiteSpace(answer.Body))
        {
            return null;
        }

        var member = Deserialize<MemberResponse>(answer.Body);
        return member is null ? null : new ConversationMember(member.Id ?? userId, member.Name, member.UserPrincipalName, member.AadObjectId);
    }

    internal static Uri ActivitiesUrl(ConversationReference conversation, string? activityId) =>
        new(activityId is null
            ? $"{ConversationUrl(conversation)}/activities"
            : $"{ConversationUrl(conversation)}/activities/{Uri.EscapeDataString(activityId)}");

    private static string ConversationUrl(ConversationReference conversation)
    {
        if (!Uri.TryCreate(conversation.ServiceUrl, UriKind.Absolute, out var serviceUrl) || (serviceUrl.Scheme != Uri.UriSchemeHttps && serviceUrl.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"Conversation {conversation.ConversationId} has no usable serviceUrl ('{conversation.ServiceUrl}').", nameof(conversation));
        }

        return $"{conversation.ServiceUrl.TrimEnd('/')}/v3/conversations/{Uri.EscapeDataString(conversation.ConversationId)}";
    }

    private static byte[] Body(Activity activity) => JsonSerializer.SerializeToUtf8Bytes(activity, ProtocolJson.Options);

    /// <summary>201/200 carry {"id": ...}; 202 (accepted, no id) and an empty or odd body give none.</summary>
    private static string? ReadActivityId(Answer answer) =>
        answer.Status == 202 || string.IsNullOrWhiteSpace(answer.Body) ? null : Deserialize<ResourceResponse>(answer.Body)?.Id;

    private static T? Deserialize<T>(string json)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, ProtocolJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Answer(int Status, string Body);

    private sealed record ResourceResponse(string? Id);

    private sealed record MemberResponse(string? Id, string? Name, string? UserPrincipalName, string? AadObjectId);
}
