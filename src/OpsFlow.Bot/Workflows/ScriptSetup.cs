using OpsFlow.Bot.Hosting;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Ports;
using OpsFlow.Scripting;
using OpsFlow.Scripting.Api;

namespace OpsFlow.Bot.Workflows;

internal static class ScriptSetup
{
    /// <summary>
    /// Workflow scripts from OpsFlow:WorkflowsPath (default workflows/), loaded at start by an <see cref="IStartupStep"/>;
    /// built-in workflows come first, so a script cannot shadow one.
    /// </summary>
    public static IServiceCollection AddOpsFlowScripts(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("OpsFlow:Scripts").Get<ScriptingOptions>() ?? new ScriptingOptions();
        options.WorkflowsPath = Path.GetFullPath(configuration["OpsFlow:WorkflowsPath"] ?? options.WorkflowsPath);
        options.CachePath = Path.GetFullPath(options.CachePath);
        options.DataPath = Path.GetFullPath(options.DataPath);
        services.AddSingleton(options);
        services.AddSingleton<IScriptEnvironment>(_ =>
        {
            Directory.CreateDirectory(options.DataPath);
            var settings = configuration.GetSection("OpsFlow:WorkflowSettings").AsEnumerable(makePathsRelative: true)
                .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);
            return new ScriptEnvironment(settings, options.DataPath);
        });
        services.AddSingleton<ISecretSource, ConfigurationSecrets>();
        services.AddSingleton<ScriptTelemetry>();
        services.AddSingleton<ScriptWorkflowCatalog>();
        services.AddSingleton<IWorkflowCatalog>(sp => new CompositeWorkflowCatalog(
        [
            sp.GetRequiredService<InMemoryWorkflowCatalog>(),
            sp.GetRequiredService<ScriptWorkflowCatalog>(),
        ]));
        services.AddSingleton<IStartupStep, WorkflowScriptsLoader>();
        return services;
    }

    /// <summary>Reloads scripts when a file of the folder changes; for the long-lived server only.</summary>
    public static IServiceCollection AddOpsFlowScriptWatcher(this IServiceCollection services)
    {
        services.AddSingleton<WorkflowFolderWatcher>();
        services.AddHostedService<WorkflowFolderWatcherService>();
        return services;
    }
}
