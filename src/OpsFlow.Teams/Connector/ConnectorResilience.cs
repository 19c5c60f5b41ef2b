using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;

namespace OpsFlow.Teams.Connector;

/// <summary>
/// The connector's retries as an Http.Resilience pipeline: what the service asks to be retried (429 and 503 honouring
/// Retry-After up to <see cref="ConnectorOptions.MaxRetryAfter"/>; 412, 500, 502, 504), network errors and attempts
/// that time out, with the exponential backoff of <see cref="RetryDelays"/>; any other 4xx is final at once. Waits and
/// attempt timeouts run on the host's TimeProvider, so tests drive them with a fake clock.
/// </summary>
public static class ConnectorResilience
{
    public const string PipelineName = "opsflow-connector";

    /// <summary>Adds the retry and per-attempt timeout, then the per-attempt token and metrics, to the connector's client.</summary>
    public static IHttpClientBuilder AddConnectorResilience(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // The pipeline spans every attempt of one call; HttpClient's own timeout would cut a call that is still
        // legitimately waiting out a Retry-After. Each attempt has its own timeout below.
        builder.ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        builder.AddResilienceHandler(PipelineName, static (pipeline, context) =>
        {
            var services = context.ServiceProvider;
            var options = services.GetRequiredService<ConnectorOptions>();
            var time = services.GetRequiredService<TimeProvider>();
            var logger = services.GetRequiredService<ILogger<ConnectorClient>>();
            var telemetry = services.GetService<TeamsTelemetry>() ?? TeamsTelemetry.Unregistered;
            if (options.MaxAttempts > 1)
            {
                pipeline.AddRetry(Retry(options, time, logger));
            }

            pipeline.AddTimeout(new HttpTimeoutStrategyOptions
            {
                Timeout = options.AttemptTimeout,
                OnTimeout = args =>
                {
                    telemetry.ConnectorCall(args.Context.GetRequestMessage()?.Method.Method ?? "unknown", "timeout");
                    return ValueTask.CompletedTask;
                },
            });
        });
        builder.AddHttpMessageHandler(services => new ConnectorAttempts(services.GetRequiredService<Auth.IBotTokenSource>(), services.GetService<TeamsTelemetry>()));
        return builder;
    }

    private static HttpRetryStrategyOptions Retry(ConnectorOptions options, TimeProvider time, ILogger logger) => new()
    {
        MaxRetryAttempts = options.MaxAttempts - 1,
        ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
        {
            { Exception: HttpRequestException or TimeoutRejectedException } => true,
            { Result: { } response } => RetryDelays.IsRetriable(response.StatusCode),
            _ => false,
        }),
        // Our own Retry-After reading: the library's would wait as long as the service asks, without our cap.
        ShouldRetryAfterHeader = false,
        DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
            (args.Outcome.Result is { } response ? RetryDelays.RetryAfter(response, time.GetUtcNow(), options.MaxRetryAfter) : null)
            ?? RetryDelays.Backoff(args.AttemptNumber + 1, options)),
        OnRetry = args =>
        {
            var request = args.Context.GetRequestMessage();
            var (status, failure) = args.Outcome switch
            {
                { Result: { } response } => ((int?)response.StatusCode, response.ReasonPhrase),
                { Exception: TimeoutRejectedException } => (null, "timed out"),
                _ => ((int?)null, "network error"),
            };
            ConnectorLog.Retrying(logger, request?.Method.Method ?? "unknown", ConnectorAttempts.Conversation(request), args.AttemptNumber + 1, status, failure, args.RetryDelay);
            return ValueTask.CompletedTask;
        },
    };
}
