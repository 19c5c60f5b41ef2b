namespace OpsFlow.Bot.Telemetry;

/// <summary>Where metrics and traces go. Bound from OpsFlow:Telemetry.</summary>
public sealed class TelemetryOptions
{
    /// <summary>The service name metrics and traces are reported under.</summary>
    public string ServiceName { get; set; } = "opsflow";

    public PrometheusOptions Prometheus { get; set; } = new();

    public OtlpOptions Otlp { get; set; } = new();

    /// <summary>Record traces. Default: on when an OTLP endpoint is configured (there is nowhere else to send them).</summary>
    public bool? Tracing { get; set; }

    /// <summary>The OTLP endpoint: this setting, else the standard OTEL_EXPORTER_OTLP_ENDPOINT variable, else none.</summary>
    public string? OtlpEndpoint => !string.IsNullOrWhiteSpace(Otlp.Endpoint)
        ? Otlp.Endpoint
        : Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 } fromEnvironment ? fromEnvironment : null;

    public bool TracingEnabled => Tracing ?? OtlpEndpoint is not null;
}

public sealed class PrometheusOptions
{
    /// <summary>Serve the Prometheus scrape endpoint. On by default.</summary>
    public bool Enabled { get; set; } = true;

    public string Path { get; set; } = "/metrics";

    /// <summary>
    /// Answer scrapes from other machines too. Off by default: the endpoint then answers loopback callers only (a
    /// Prometheus or agent on the same host), whatever address the host listens on.
    /// </summary>
    public bool AllowRemote { get; set; }
}

public sealed class OtlpOptions
{
    /// <summary>An OTLP collector, e.g. http://otel-collector:4317 (grpc) or http://otel-collector:4318 (http/protobuf).</summary>
    public string? Endpoint { get; set; }

    /// <summary>"grpc" (default) or "http/protobuf".</summary>
    public string Protocol { get; set; } = "grpc";
}
