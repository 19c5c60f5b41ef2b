using Serilog;

namespace OpsFlow.Bot.Hosting;

internal static class LoggingSetup
{
    private const string LineTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{RunScope}{NewLine}{Exception}";

    /// <summary>
    /// Serilog as the only logging provider, levels from the "Serilog" section of appsettings.json. The run id,
    /// workflow and step that the engine puts in scope appear on every line they concern.
    /// </summary>
    public static IHostApplicationBuilder AddOpsFlowLogging(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: LineTemplate)
            .Enrich.With<RunScopeEnricher>());
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
            .WriteTo.File(Path.Combine(logsFolder, "opsflow-cli-.log"), outputTemplate: LineTemplate, rollingInterval: RollingInterval.Day));
        return builder;
    }
}
