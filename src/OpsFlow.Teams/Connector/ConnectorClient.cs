using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OpsFlow.Chat;
using OpsFlow.Teams.Inbound;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Connector;

/// <summary>
/// The Bot Connector REST API over a typed HttpClient: v3 conversation activities and members at the conversation's
/// serviceUrl. The client's handlers (<see cref="ConnectorResilience"/>) add the Bearer token and retry; what reaches
/// this class is the call's final answer, which it turns into a result or a <see cref="ConnectorException"/>.
/// </summary>
public sealed class ConnectorClient(HttpClient http, ServiceUrlPolicy serviceUrls, ILogger<ConnectorClient> logger) : IConnectorClient
{
    private const int MaxErrorTextLength = 500;

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

    public async Task<string> CreatePersonalConversationAsync(ChatUser user, CancellationToken cancellationToken = default)
    {
        var url = new Uri($"{ServiceRoot(user.ServiceUrl, $"User {user.UserId}")}/v3/conversations");
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new ConversationParameters(
                false,
                new ConversationMemberRef(user.BotId, user.BotName),
                [new ConversationMemberRef(user.UserId, user.Name)],
                user.TenantId,
                user.TenantId is { } tenant ? new TenantData(new TenantRef(tenant)) : null),
            ProtocolJson.Options);
        var answer = await CallAsync(HttpMethod.Post, url, body, $"1:1 with {user.UserId}", cancellationToken);
        return (string.IsNullOrWhiteSpace(answer.Body) ? null : Deserialize<ResourceResponse>(answer.Body)?.Id)
            ?? throw new ConnectorException($"POST {url.AbsolutePath} answered {answer.Status} without a conversation id", answer.Status);
    }

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

    private static string ConversationUrl(ConversationReference conversation) =>
        $"{ServiceRoot(conversation.ServiceUrl, $"Conversation {conversation.ConversationId}")}/v3/conversations/{Uri.EscapeDataString(conversation.ConversationId)}";

    private static string ServiceRoot(string serviceUrl, string whose)
    {
        if (!Uri.TryCreate(serviceUrl, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"{whose} has no usable serviceUrl ('{serviceUrl}').", nameof(serviceUrl));
        }

        return serviceUrl.TrimEnd('/');
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

    private async Task<Answer> CallAsync(HttpMethod method, Uri url, byte[]? body, string conversationId, CancellationToken cancellationToken, bool notFoundIsAnswer = false)
    {
        // Checked again on the way out, whatever stored the conversation: the bot's token goes only to allowed hosts.
        if (serviceUrls.Refusal(url.ToString()) is { } refused)
        {
            Log.ServiceUrlRefused(logger, conversationId, refused);
            throw new ConnectorException($"Not sent: {refused}.", null);
        }

        using var request = Request(method, url, body, conversationId);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw GaveUp(request, null, "network error", $"network error: {ex.Message}", ex);
        }
        catch (Polly.Timeout.TimeoutRejectedException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw GaveUp(request, null, "timed out", $"no answer within {ex.Timeout}", ex);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode || (notFoundIsAnswer && response.StatusCode == HttpStatusCode.NotFound))
            {
                return new Answer(status, text);
            }

            var failure = $"{response.ReasonPhrase}: {ErrorText(text)}";
            if (!RetryDelays.IsRetriable(response.StatusCode))
            {
                ConnectorLog.Failed(logger, method.Method, conversationId, ConnectorAttempts.Attempts(request), status, response.ReasonPhrase);
                throw new ConnectorException($"{method} {url.AbsolutePath} was refused with {status} ({failure})", status);
            }

            throw GaveUp(request, status, response.ReasonPhrase ?? string.Empty, failure, null);
        }
    }

    private ConnectorException GaveUp(HttpRequestMessage request, int? status, string logged, string failure, Exception? error)
    {
        var attempts = ConnectorAttempts.Attempts(request);
        ConnectorLog.Failed(logger, request.Method.Method, ConnectorAttempts.Conversation(request), attempts, status, logged);
        return new ConnectorException($"{request.Method} {request.RequestUri?.AbsolutePath} still failed after {attempts} attempts ({status} {failure})", status, error);
    }

    private static HttpRequestMessage Request(HttpMethod method, Uri url, byte[]? body, string conversationId)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        ConnectorAttempts.SetConversation(request, conversationId);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        return request;
    }

    /// <summary>The connector's {"error": {"code", "message"}} as "code: message", else the text itself, trimmed and bounded.</summary>
    internal static string ErrorText(string body)
    {
        var text = body.Trim();
        try
        {
            using var json = JsonDocument.Parse(text);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                var code = error.TryGetProperty("code", out var c) ? c.ToString() : null;
                var message = error.TryGetProperty("message", out var m) ? m.ToString() : null;
                text = string.Join(": ", new[] { code, message }.Where(s => !string.IsNullOrWhiteSpace(s)));
            }
        }
        catch (JsonException)
        {
            // Not JSON: the text as it came.
        }

        return text.Length == 0 ? "no error text" : text.Length > MaxErrorTextLength ? text[..MaxErrorTextLength] + "…" : text;
    }

    private sealed record Answer(int Status, string Body);

    private sealed record ResourceResponse(string? Id);

    /// <summary>The body of POST v3/conversations (Teams wants the tenant in channelData as well).</summary>
    private sealed record ConversationParameters(bool IsGroup, ConversationMemberRef Bot, IReadOnlyList<ConversationMemberRef> Members, string? TenantId, TenantData? ChannelData);

    private sealed record ConversationMemberRef(string Id, string? Name);

    private sealed record TenantData(TenantRef Tenant);

    private sealed record TenantRef(string Id);

    private sealed record MemberResponse(string? Id, string? Name, string? UserPrincipalName, string? AadObjectId);
}
