using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace OpsFlow.Teams.Connector;

/// <summary>
/// One call with retries: what the service asks to be retried (429 and 503 honouring Retry-After; 412, 500, 502,
/// 504), network errors and attempts that time out, with exponential backoff; waits run on the TimeProvider.
/// Any other 4xx is final at once.
/// </summary>
public sealed partial class ConnectorClient
{
    private const int MaxErrorTextLength = 500;

    private async Task<Answer> CallAsync(HttpMethod method, Uri url, byte[]? body, string conversationId, CancellationToken cancellationToken, bool notFoundIsAnswer = false)
    {
        var maxAttempts = Math.Max(1, options.MaxAttempts);
        for (var attempt = 1; ; attempt++)
        {
            var token = await TokenAsync(cancellationToken);
            int? status = null;
            string failure;
            string logged;
            Exception? error = null;
            TimeSpan? askedWait = null;
            using (var timeout = new CancellationTokenSource(options.AttemptTimeout, time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
            {
                try
                {
                    using var request = Request(method, url, body, token);
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token);
                    var text = await response.Content.ReadAsStringAsync(linked.Token);
                    status = (int)response.StatusCode;
                    _telemetry.ConnectorCall(method.Method, status.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    if (response.IsSuccessStatusCode || (notFoundIsAnswer && response.StatusCode == HttpStatusCode.NotFound))
                    {
                        return new Answer(status.Value, text);
                    }

                    failure = $"{response.ReasonPhrase}: {ErrorText(text)}";
                    logged = response.ReasonPhrase ?? "";
                    if (!RetryDelays.IsRetriable(response.StatusCode))
                    {
                        ConnectorLog.Failed(logger, method.Method, conversationId, attempt, status, logged);
                        throw new ConnectorException($"{method} {url.AbsolutePath} was refused with {status} ({failure})", status);
                    }

                    askedWait = RetryDelays.RetryAfter(response, time.GetUtcNow(), options.MaxRetryAfter);
                }
                catch (HttpRequestException ex)
                {
                    _telemetry.ConnectorCall(method.Method, "network_error");
                    (error, failure, logged) = (ex, $"network error: {ex.Message}", "network error");
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    _telemetry.ConnectorCall(method.Method, "timeout");
                    (error, failure, logged) = (ex, $"no answer within {options.AttemptTimeout}", "timed out");
                }
            }

            if (attempt >= maxAttempts)
            {
                ConnectorLog.Failed(logger, method.Method, conversationId, attempt, status, logged);
                throw new ConnectorException($"{method} {url.AbsolutePath} still failed after {attempt} attempts ({status} {failure})", status, error);
            }

            var delay = askedWait ?? RetryDelays.Backoff(attempt, options);
            ConnectorLog.Retrying(logger, method.Method, conversationId, attempt, status, logged, delay);
            await Task.Delay(delay, time, cancellationToken);
        }
    }

    private async ValueTask<string?> TokenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await tokens.GetTokenAsync(cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            throw new ConnectorException($"No token for the connector: {ex.Message}", null, ex);
        }
    }

    private static HttpRequestMessage Request(HttpMethod method, Uri url, byte[]? body, string? token)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

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
}
