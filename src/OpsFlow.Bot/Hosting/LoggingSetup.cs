using Serilog;

namespace OpsFlow.Bot.Hosting;

internal static class LoggingSetup
{
    /// <summary>
    /// Serilog as the only logging provider, levels from the "Serilog" section of appsettings.json. The run id,
    /// workflow and step that the engine puts in scope appear on every line they concern.
    /// </summary>
    public static WebApplicationBuilder AddOpsFlowLogging(this WebApplicationBuilder builder)
    {
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate:
                "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{RunScope}{NewLine}{Exception}")
            .Enrich.With<RunScopeEnricher>());
        return builder;
    }
}
