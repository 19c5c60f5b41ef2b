using System.Text.Json.Nodes;
using OpsFlow.Teams.Tests.Connector;

namespace OpsFlow.Teams.Tests.Integration;

/// <summary>Reads what the host sent to the stub connector: cards and texts per conversation, and waits for them.</summary>
public static class ConnectorLog
{
    public static IReadOnlyList<StubRequest> In(this StubConnectorHandler connector, string conversation) =>
        connector.Requests.Where(r => Uri.UnescapeDataString(r.Path).Contains($"/v3/conversations/{conversation}/", StringComparison.Ordinal)).ToArray();

    /// <summary>Waits, woken by every request the connector records, until <paramref name="condition"/> holds over the conversation's requests (10 s, real time).</summary>
    public static Task<IReadOnlyList<StubRequest>> WaitAsync(
        this StubConnectorHandler connector, string conversation, Func<IReadOnlyList<StubRequest>, bool> condition, string what) =>
        Wait.ForAsync(
            () => Task.FromResult(connector.In(conversation)),
            condition,
            what,
            connector.Arrived,
            TimeSpan.FromSeconds(10),
            () => Task.FromResult($"The connector saw in {conversation}:\n" + string.Join("\n", connector.In(conversation).Select(r => $"{r.Method} {Uri.UnescapeDataString(r.Path)}: {Describe(r)}"))));

    /// <summary>The card an activity carried, as JSON text (empty when none).</summary>
    public static string Card(this StubRequest request) =>
        request.Body?["attachments"]?.AsArray().FirstOrDefault()?["content"]?.ToJsonString() ?? "";

    public static string Text(this StubRequest request) => request.Body?["text"]?.GetValue<string>() ?? "";

    public static bool IsPost(this StubRequest request) => request.Method == HttpMethod.Post;

    public static bool IsPut(this StubRequest request) => request.Method == HttpMethod.Put;

    /// <summary>The activity id a PUT updates (the last path segment).</summary>
    public static string UpdatedId(this StubRequest request) => Uri.UnescapeDataString(request.Path.Split('/')[^1]);

    public static JsonNode? Mentioned(this StubRequest request) =>
        request.Body?["entities"]?.AsArray().FirstOrDefault(e => e?["type"]?.GetValue<string>() == "mention");

    private static string Describe(StubRequest request)
    {
        var text = request.Text();
        var card = request.Card();
        return (text.Length > 0 ? text : card).Length > 300 ? (text.Length > 0 ? text : card)[..300] + "…" : text.Length > 0 ? text : card;
    }
}
