using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpsFlow.Teams.Connector;

namespace OpsFlow.Teams.Tests.Connector;

/// <summary>One request the stub connector received: method, the escaped path, the Authorization header and the JSON body.</summary>
public sealed record StubRequest(HttpMethod Method, Uri Uri, string? Authorization, JsonNode? Body)
{
    /// <summary>The path as sent, percent-escapes kept (e.g. /v3/conversations/19%3Aabc/activities).</summary>
    public string Path => Uri.AbsolutePath;
}

/// <summary>
/// A Bot Connector stand-in for tests: an HttpMessageHandler that records every request and answers as the
/// connector does: POST .../activities[/{id}] → 201 {"id":"activity-N"}, PUT .../activities/{id} → 200 {"id": that id},
/// GET .../members/{userId} → 200 with the member from <see cref="Members"/>, else 404. Scripted answers
/// (<see cref="Enqueue"/>, <see cref="EnqueueFailure"/>, <see cref="EnqueueHang"/>) are used first, one per request,
/// to simulate throttling and outages. Thread-safe: many requests may arrive at once.
/// <para>
/// Plug it into the host's typed client:
/// <c>services.AddHttpClient&lt;IConnectorClient, ConnectorClient&gt;().ConfigurePrimaryHttpMessageHandler(() => stub);</c>
/// (the factory may dispose the handler it is given when it recycles handlers; this one keeps working after that).
/// </para>
/// </summary>
public sealed class StubConnectorHandler : HttpMessageHandler
{
    private readonly Lock _sync = new();
    private readonly List<StubRequest> _requests = [];
    private readonly Queue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> _script = new();
    private int _nextId;

    /// <summary>Pulsed at every request, once it is in <see cref="Requests"/>.</summary>
    public Signal Arrived { get; } = new();

    /// <summary>Members GET .../members/{userId} finds, by user id.</summary>
    public Dictionary<string, ConversationMember> Members { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<StubRequest> Requests
    {
        get
        {
            lock (_sync)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The next unscripted request gets this status (and Retry-After in seconds, and body) instead of the usual answer.</summary>
    public StubConnectorHandler Enqueue(HttpStatusCode status, int? retryAfterSeconds = null, string? body = null) =>
        Script((_, _) =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(body ?? "", Encoding.UTF8, "application/json") };
            if (retryAfterSeconds is { } seconds)
            {
                response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
            }

            return Task.FromResult(response);
        });

    /// <summary>The next request gets a custom answer, e.g. a Retry-After date.</summary>
    public StubConnectorHandler Enqueue(Func<HttpResponseMessage> answer) => Script((_, _) => Task.FromResult(answer()));

    /// <summary>The next request fails as a network error would.</summary>
    public StubConnectorHandler EnqueueFailure(string message = "connection refused") =>
        Script((_, _) => Task.FromException<HttpResponseMessage>(new HttpRequestException(message)));

    /// <summary>The next request never gets an answer; it ends only when the caller cancels it (a timeout).</summary>
    public StubConnectorHandler EnqueueHang() =>
        Script(async (_, ct) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            throw new InvalidOperationException("unreachable");
        });

    /// <summary>Completes when at least <paramref name="count"/> requests have arrived (or fails after <paramref name="within"/>, real time).</summary>
    public Task WaitForRequestsAsync(int count, TimeSpan? within = null) =>
        Wait.UntilAsync(() => Requests.Count >= count, $"{count} requests to the connector", Arrived, within ?? TimeSpan.FromSeconds(10), () => $"{Requests.Count} arrived");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var text = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new StubRequest(request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), string.IsNullOrEmpty(text) ? null : JsonNode.Parse(text));
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>? scripted;
        lock (_sync)
        {
            _requests.Add(recorded);
            _script.TryDequeue(out scripted);
        }

        Arrived.Pulse();
        return scripted is null ? Answer(recorded) : await scripted(request, cancellationToken);
    }

    private HttpResponseMessage Answer(StubRequest request)
    {
        var segments = request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (request.Method == HttpMethod.Get && segments.Length >= 2 && segments[^2] == "members")
        {
            var userId = Uri.UnescapeDataString(segments[^1]);
            return Members.TryGetValue(userId, out var member)
                ? Json(HttpStatusCode.OK, new { id = member.Id, name = member.Name, userPrincipalName = member.UserPrincipalName, aadObjectId = member.AadObjectId })
                : new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("""{"error":{"code":"MemberNotFound","message":"not a member"}}""") };
        }

        if (request.Method == HttpMethod.Put)
        {
            return Json(HttpStatusCode.OK, new { id = Uri.UnescapeDataString(segments[^1]) });
        }

        return request.Method == HttpMethod.Post
            ? Json(HttpStatusCode.Created, new { id = $"activity-{Interlocked.Increment(ref _nextId)}" })
            : new HttpResponseMessage(HttpStatusCode.MethodNotAllowed);
    }

    private StubConnectorHandler Script(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer)
    {
        lock (_sync)
        {
            _script.Enqueue(answer);
        }

        return this;
    }

    private static HttpResponseMessage Json(HttpStatusCode status, object value) =>
        new(status) { Content = new StringContent(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json") };
}
