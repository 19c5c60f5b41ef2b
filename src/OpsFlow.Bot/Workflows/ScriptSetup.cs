using OpsFlow.Bot.Hosting;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Ports;
using OpsFlow.Scripting;

namespace OpsFlow.Bot.Workflows;

internal static class ScriptSetup
{
    /// <summary>
    /// Workflow scripts from OpsFlow:WorkflowsPath (default workflows/), loaded at start by an <see cref="IStartupStep"/>;
    /// built-in workflows come first, so a script cannot shadow one.
    /// </summary>
    public static IServiceCollection AddOpsFlowScripts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOpsFlowScripting(configuration);
        services.AddSingleton<ISecretSource, ConfigurationSecrets>();
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
