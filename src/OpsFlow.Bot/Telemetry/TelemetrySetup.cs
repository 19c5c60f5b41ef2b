using System.Net;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OpsFlow.Engine.Telemetry;
using OpsFlow.Scheduling;
using OpsFlow.Scripting;
using OpsFlow.Teams;

namespace OpsFlow.Bot.Telemetry;

/// <summary>
/// OpenTelemetry listening to OpsFlow's own meters and sources (engine, chat, scripts, Quartz) plus ASP.NET Core,
/// HttpClient and the .NET runtime. Metrics: a Prometheus scrape endpoint (loopback only unless allowed) and OTLP
/// when configured. Traces: OTLP when configured; one trace per run (see EngineTelemetry).
/// </summary>
internal static class TelemetrySetup
{
    public static IHostApplicationBuilder AddOpsFlowTelemetry(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("OpsFlow:Telemetry").Get<TelemetryOptions>() ?? new TelemetryOptions();
        builder.Services.AddSingleton(options);
        var otlp = options.OtlpEndpoint;
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName, serviceInstanceId: Environment.MachineName));
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(EngineTelemetry.MeterName, TeamsTelemetry.MeterName, ScriptTelemetry.MeterName, SchedulingTelemetry.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation();
            if (options.Prometheus.Enabled)
            {
                metrics.AddPrometheusExporter();
            }

            if (otlp is not null)
            {
                metrics.AddOtlpExporter(exporter => Configure(exporter, options, otlp));
            }
        });
        if (options.TracingEnabled)
        {
            telemetry.WithTracing(tracing =>
            {
                tracing.AddSource(EngineTelemetry.ActivitySourceName, TeamsTelemetry.ActivitySourceName)
                    .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = context => !IsProbe(context, options))
                    .AddHttpClientInstrumentation();
                if (otlp is not null)
                {
                    tracing.AddOtlpExporter(exporter => Configure(exporter, options, otlp));
                }
            });
        }

        return builder;
    }

    /// <summary>The scrape endpoint, answering loopback callers only unless OpsFlow:Telemetry:Prometheus:AllowRemote.</summary>
    public static WebApplication MapOpsFlowTelemetry(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<TelemetryOptions>();
        if (!options.Prometheus.Enabled)
        {
            return app;
        }

        var endpoint = app.MapPrometheusScrapingEndpoint(options.Prometheus.Path);
        if (!options.Prometheus.AllowRemote)
        {
            endpoint.AddEndpointFilter(async (context, next) => IsLocal(context.HttpContext)
                ? await next(context)
                : Results.Problem(statusCode: StatusCodes.Status403Forbidden,
                    detail: "Metrics are served to this machine only; set OpsFlow:Telemetry:Prometheus:AllowRemote=true to scrape from elsewhere."));
        }

        return app;
    }

    /// <summary>Paths that carry no user identity: probes and scrapes.</summary>
    public static bool IsProbe(HttpContext context, TelemetryOptions options) =>
        context.Request.Path.StartsWithSegments("/healthz", StringComparison.OrdinalIgnoreCase)
        || context.Request.Path.StartsWithSegments("/readyz", StringComparison.OrdinalIgnoreCase)
        || (options.Prometheus.Enabled && context.Request.Path.StartsWithSegments(options.Prometheus.Path, StringComparison.OrdinalIgnoreCase));

    // An in-process server (tests) has no remote address; Kestrel always sets one, Unix sockets aside (local too).
    private static bool IsLocal(HttpContext context) =>
        context.Connection.RemoteIpAddress is not { } address || IPAddress.IsLoopback(address);

    private static void Configure(OtlpExporterOptions exporter, TelemetryOptions options, string endpoint)
    {
        exporter.Endpoint = new Uri(endpoint);
        exporter.Protocol = string.Equals(options.Otlp.Protocol, "http/protobuf", StringComparison.OrdinalIgnoreCase)
            ? OtlpExportProtocol.HttpProtobuf
            : OtlpExportProtocol.Grpc;
    }
}
