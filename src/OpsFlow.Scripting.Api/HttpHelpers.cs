using System.Net.Http.Headers;
using System.Text;
using OpsFlow.Engine.Definitions;

namespace OpsFlow.Scripting.Api;

/// <summary>An HTTP response, read whole (bodies are capped at 1 MiB).</summary>
public sealed record HttpReply(int Status, string Body, TimeSpan Elapsed)
{
    public bool IsSuccess => Status is >= 200 and < 300;
}

/// <summary>A health check that never passed.</summary>
public sealed class HealthCheckFailedException(string message) : Exception(message);

/// <summary>HTTP from a step: one request, or a health check that polls until the service answers.</summary>
public static class HttpHelpers
{
    internal const int MaxBody = 1024 * 1024;

    /// <summary>
    /// Sends one request and returns the status and body; it does not throw on an error status. The request is
    /// cancelled with the step and after <paramref name="timeout"/> (default 30 s).
    /// </summary>
    public static async Task<HttpReply> Http(
        this StepContext ctx,
        HttpMethod method,
        string url,
        string? body = null,
        string contentType = "application/json",
        IReadOnlyDictionary<string, string>? headers = null,
        TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new HttpRequestException($"'{url}' is not an absolute http or https URL");
        }

        using var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType));
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30), ctx.Clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ctx.CancellationToken, limit.Token);
        var started = ctx.Clock.GetTimestamp();
        try
        {
            using var response = await ctx.Machine().SendAsync(request, linked.Token);
            var text = await response.Content.ReadAsStringAsync(linked.Token);
            var reply = new HttpReply((int)response.StatusCode, text, ctx.Clock.GetElapsedTime(started));
            ctx.Log($"{NodeReach.LogPrefix}{method} {url} → {reply.Status} in {reply.Elapsed.TotalMilliseconds:0} ms");
            return reply;
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !ctx.CancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException($"{method} {url} got no answer within {(timeout ?? TimeSpan.FromSeconds(30)).TotalSeconds:0} s");
        }
    }

    /// <summary>A GET; see <see cref="Http"/>.</summary>
    public static Task<HttpReply> HttpGet(this StepContext ctx, string url, TimeSpan? timeout = null) =>
        ctx.Http(HttpMethod.Get, url, timeout: timeout);

    /// <summary>
    /// Polls <paramref name="url"/> until it answers <paramref name="expectStatus"/> (and contains
    /// <paramref name="expectBody"/> when given), up to <paramref name="attempts"/> times, <paramref name="interval"/>
    /// apart (default 1 s). Progress shows each try. Throws <see cref="HealthCheckFailedException"/> naming the last
    /// answer when it never passes.
    /// </summary>
    public static async Task<HttpReply> HealthCheck(
        this StepContext ctx,
        string url,
        int attempts = 10,
        TimeSpan? interval = null,
        int expectStatus = 200,
        string? expectBody = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        string last = "no answer";
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            // Within a rollout the step's progress is the rollout's (batch n of m); each node's tries go to the log.
            if (!NodeReach.InRollout)
            {
                ctx.Progress(100 * (attempt - 1) / attempts, $"health check {attempt}/{attempts}");
            }

            try
            {
                var reply = await ctx.Http(HttpMethod.Get, url, timeout: TimeSpan.FromSeconds(5));
                if (reply.Status == expectStatus && (expectBody is null || reply.Body.Contains(expectBody, StringComparison.Ordinal)))
                {
                    ctx.Log($"{NodeReach.LogPrefix}healthy: {url} answered {reply.Status}");
                    return reply;
                }

                last = $"status {reply.Status}, body '{Shorten(reply.Body)}'";
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }

            ctx.LogWarning($"{NodeReach.LogPrefix}not healthy yet ({attempt}/{attempts}): {last}");
            if (attempt < attempts)
            {
                await Task.Delay(interval ?? TimeSpan.FromSeconds(1), ctx.Clock, ctx.CancellationToken);
            }
        }

        var wanted = expectBody is null ? $"{expectStatus}" : $"{expectStatus} containing '{expectBody}'";
        throw new HealthCheckFailedException($"{url} did not answer {wanted} after {attempts} tries; last: {last}");
    }

    private static string Shorten(string text) => text.Length <= 200 ? text.Trim() : text[..200].Trim() + "…";
}
