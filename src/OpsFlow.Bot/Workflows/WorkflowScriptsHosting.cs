using OpsFlow.Bot.Hosting;
using OpsFlow.Scripting;

namespace OpsFlow.Bot.Workflows;

/// <summary>Loads the workflows folder after the database is migrated and before runs are recovered.</summary>
internal sealed class WorkflowScriptsLoader(ScriptWorkflowCatalog catalog) : IStartupStep
{
    public async Task RunAsync(CancellationToken cancellationToken) => await catalog.ReloadAsync(cancellationToken);
}

/// <summary>Reloads changed scripts while the host runs (OpsFlow:Scripts:Watch, default on).</summary>
internal sealed class WorkflowFolderWatcherService(WorkflowFolderWatcher watcher, ScriptingOptions options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Watch)
        {
            watcher.Start();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        watcher.Dispose();
        return Task.CompletedTask;
    }
}
