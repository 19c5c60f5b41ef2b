using System.Text.Json.Nodes;
using OpsFlow.Teams.Tests.Connector;

namespace OpsFlow.Teams.Tests.Integration;

/// <summary>Reads what the host sent to the stub connector: cards and texts per conversation, and waits for them.</summary>
public static class ConnectorLog
{
    public static IReadOnlyList<StubRequest> In(this StubConnectorHandler connector, string conversation) =>
        connector.Requests.Where(r => Uri.UnescapeDataString(r.Path).Contains($"/v3/conversations/{conversation}/", StringComparison.Ordinal)).ToArray();

    /// <summary>Polls until <paramref name="condition"/> holds over the conversation's requests (10 s, real time).</summary>
    public static async Task<IReadOnlyList<StubRequest>> WaitAsync(
        this StubConnectorHandler connector, string conversation, Func<IReadOnlyList<StubRequest>, bool> condition, string what)
    {
        var until = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(10);
        while (true)
        {
            var requests = connector.In(conversation);
            if (condition(requests))
            {
                return requests;
            }

            if (TimeProvider.System.GetUtcNow() > until)
            {
                var seen = string.Join("\n", requests.Select(r => $"{r.Method} {Uri.UnescapeDataString(r.Path)}: {Describe(r)}"));
                Assert.Fail($"Timed out waiting for {what}. The connector saw in {conversation}:\n{seen}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        }
    }

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
