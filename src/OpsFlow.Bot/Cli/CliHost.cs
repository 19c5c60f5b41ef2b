using OpsFlow.Bot.Hosting;
using OpsFlow.Bot.Workflows;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Setup;
using OpsFlow.Persistence;

namespace OpsFlow.Bot.Cli;

/// <summary>
/// The services of the server (configuration, database, engine, built-in workflows and scripts) in a short-lived
/// generic host. It has no recovery and no folder watcher: it drives only the runs it starts itself, and leaves
/// every other active run to the web host, which resumes runs at its start.
/// </summary>
internal sealed class CliHost : IAsyncDisposable
{
    private readonly IHost _host;

    private CliHost(IHost host, string logsFolder)
    {
        _host = host;
        LogsFolder = logsFolder;
    }

    public IServiceProvider Services => _host.Services;

    /// <summary>Where this process writes its log file.</summary>
    public string LogsFolder { get; }

    /// <summary>Builds the host from appsettings.json, environment variables and <paramref name="configurationArgs"/>, migrates the database and loads workflows.</summary>
    public static async Task<CliHost> StartAsync(IReadOnlyList<string> configurationArgs, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = configurationArgs.ToArray(),
            ApplicationName = typeof(CliHost).Assembly.GetName().Name,
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        var logsFolder = Path.GetFullPath(builder.Configuration["OpsFlow:Cli:LogsPath"] ?? Path.Combine("data", "logs"));
        builder.AddOpsFlowCliLogging(logsFolder);
        builder.Services.AddOpsFlowPersistence(builder.Configuration);
        builder.Services.AddOpsFlowEngine(builder.Configuration);
        builder.Services.AddOpsFlowBuiltInWorkflows();
        builder.Services.AddOpsFlowScripts(builder.Configuration);
        builder.Services.AddOpsFlowBackups(builder.Configuration);
        builder.Services.AddOpsFlowNodes(builder.Configuration);
        builder.Services.AddOpsFlowAccess(builder.Configuration);
        builder.Services.AddSingleton<RunWatcher>();
        builder.Services.AddSingleton<IRunObserver>(sp => sp.GetRequiredService<RunWatcher>());

        var host = builder.Build();
        var cli = new CliHost(host, logsFolder);
        try
        {
            await host.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
            foreach (var step in host.Services.GetServices<IStartupStep>())
            {
                await step.RunAsync(cancellationToken);
            }
        }
        catch
        {
            await cli.DisposeAsync();
            throw;
        }

        return cli;
    }

    public T Get<T>()
        where T : notnull => _host.Services.GetRequiredService<T>();

    /// <summary>
    /// Disposing the container halts the engine (if it was created) without touching stored state: a step cut short
    /// runs again when the web host resumes the run (at-least-once), exactly as after a server restart.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_host is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }
    }
}
