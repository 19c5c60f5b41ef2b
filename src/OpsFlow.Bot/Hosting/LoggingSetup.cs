using Serilog;
using Serilog.Formatting.Compact;

namespace OpsFlow.Bot.Hosting;

internal static class LoggingSetup
{
    private const string LineTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{RunScope}{NewLine}{Exception}";

    /// <summary>
    /// Serilog as the only logging provider, levels from the "Serilog" section of appsettings.json: readable lines on
    /// the console, and one JSON object per line (CLEF, with every scope property and the trace and span ids) in a
    /// file rolled daily and at 100 MB (OpsFlow:Logs). The run id, workflow, step, attempt and chat activity id that
    /// the engine and the chat channel put in scope appear on every line they concern.
    /// </summary>
    public static IHostApplicationBuilder AddOpsFlowLogging(this IHostApplicationBuilder builder)
    {
        var files = builder.Configuration.GetSection("OpsFlow:Logs").Get<LogFileOptions>() ?? new LogFileOptions();
        builder.Services.AddSingleton(files);
        // Each host logs through its own logger, never the process-wide static one: several hosts can share a process
        // (the tests, the benchmark), and each must write to its own sinks.
        builder.Services.AddSerilog((services, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext()
                .WriteTo.Console(outputTemplate: LineTemplate)
                .Enrich.With<RunScopeEnricher>();
            if (files.Enabled)
            {
                logger.WriteTo.File(
                    new CompactJsonFormatter(),
                    files.Path,
                    rollingInterval: RollingInterval.Day,
                    fileSizeLimitBytes: files.FileSizeLimitMegabytes * 1024L * 1024L,
                    rollOnFileSizeLimit: true,
                    retainedFileCountLimit: files.RetainedFiles);
            }
        }, preserveStaticLogger: true);
        return builder;
    }

    /// <summary>
    /// The command line's logging: a daily file under <paramref name="logsFolder"/> only. Log lines never tear through the
    /// live display, and whatever a person must know (a refusal, a script problem) the command prints itself.
    /// </summary>
    public static IHostApplicationBuilder AddOpsFlowCliLogging(this IHostApplicationBuilder builder, string logsFolder)
    {
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            .Enrich.With<RunScopeEnricher>()
            .WriteTo.File(Path.Combine(logsFolder, "opsflow-cli-.log"), outputTemplate: LineTemplate, rollingInterval: RollingInterval.Day),
            preserveStaticLogger: true);
        return builder;
    }
}
