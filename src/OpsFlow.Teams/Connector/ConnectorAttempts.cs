using OpsFlow.Teams.Auth;

namespace OpsFlow.Teams.Connector;

/// <summary>
/// The innermost step of every connector call, run once per attempt (inside the retry and timeout of
/// <see cref="ConnectorResilience"/>): a fresh Bearer token, since a retry may come after the last one expired; the
/// attempt counted on the request; its outcome counted in the metrics.
/// </summary>
internal sealed class ConnectorAttempts(IBotTokenSource tokens, TeamsTelemetry? telemetry = null) : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<int> AttemptKey = new("OpsFlow.Connector.Attempt");
    private static readonly HttpRequestOptionsKey<string> ConversationKey = new("OpsFlow.Connector.Conversation");

    private readonly TeamsTelemetry _telemetry = telemetry ?? TeamsTelemetry.Unregistered;

    /// <summary>How many attempts the call made (0 before the first).</summary>
    public static int Attempts(HttpRequestMessage request) => request.Options.TryGetValue(AttemptKey, out var attempts) ? attempts : 0;

    /// <summary>The conversation a call is for, so that retries are logged with it.</summary>
    public static string Conversation(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(ConversationKey, out var id) ? id : "unknown";

    public static void SetConversation(HttpRequestMessage request, string conversationId) => request.Options.Set(ConversationKey, conversationId);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Options.Set(AttemptKey, Attempts(request) + 1);
        string? token;
        try
        {
            token = await tokens.GetTokenAsync(cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            throw new ConnectorException($"No token for the connector: {ex.Message}", null, ex);
        }

        request.Headers.Authorization = token is null ? null : new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            _telemetry.ConnectorCall(request.Method.Method, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            return response;
        }
        catch (HttpRequestException)
        {
            _telemetry.ConnectorCall(request.Method.Method, "network_error");
            throw;
        }
    }
}
