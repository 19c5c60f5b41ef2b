using System.Net;
using System.Text;
using System.Text.Json;

using Xunit;

namespace OpsFlow.Testing;

/// <summary>
/// Raw HTTP against the API, as an operator's script would call it. Waits wake on <paramref name="runChanged"/> (the
/// host factory's <see cref="OpsFlowFactory.RunChanged"/>) when given, else poll.
/// </summary>
public sealed class ApiClient(HttpClient http, Signal? runChanged = null)
{
    public async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? user = null, string? json = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (user is not null)
        {
            request.Headers.Add("X-OpsFlow-User", user);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, body);
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string? user, object? body = null, string? idempotencyKey = null) =>
        SendAsync(HttpMethod.Post, path, user, JsonSerializer.Serialize(body ?? new { }), idempotencyKey);

    public Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path, string? user = null) =>
        SendAsync(HttpMethod.Get, path, user);

    /// <summary>Reads the run until it has <paramref name="status"/>; returns the last body read.</summary>
    public async Task<JsonElement> WaitForStatusAsync(string runId, string status)
    {
        var last = default(JsonElement);
        return await Wait.ForAsync(
            async () =>
            {
                var (code, body) = await GetAsync($"/api/runs/{runId}");
                Assert.Equal(HttpStatusCode.OK, code);
                return last = body;
            },
            body => body.GetProperty("run").GetProperty("status").GetString() == status,
            $"run {runId} to reach {status}",
            runChanged,
            describe: () => Task.FromResult($"Last read: {last}"));
    }
}
