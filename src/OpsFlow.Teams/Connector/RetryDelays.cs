using System.Net;
using System.Security.Cryptography;

namespace OpsFlow.Teams.Connector;

/// <summary>Which answers are worth another attempt, and how long to wait before it.</summary>
internal static class RetryDelays
{
    public static bool IsRetriable(HttpStatusCode status) => status is
        HttpStatusCode.TooManyRequests or HttpStatusCode.PreconditionFailed or HttpStatusCode.InternalServerError
        or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>Exponential backoff after failed attempt number <paramref name="attempt"/> (1-based), plus jitter so callers spread out.</summary>
    public static TimeSpan Backoff(int attempt, ConnectorOptions options)
    {
        var exponential = options.BaseDelay * Math.Pow(2, Math.Min(attempt - 1, 20));
        var capped = exponential < options.MaxDelay ? exponential : options.MaxDelay;
        var jitter = RandomNumberGenerator.GetInt32(0, 1001) / 4000.0;
        return capped * (1 + jitter);
    }

    /// <summary>The wait the service asked for (seconds or an HTTP date), capped; null when it asked for none.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now, TimeSpan cap)
    {
        var header = response.Headers.RetryAfter;
        var asked = header?.Delta ?? (header?.Date is { } date ? date - now : null);
        if (asked is not { } wait)
        {
            return null;
        }

        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > cap ? cap : wait;
    }
}
