using OpsFlow.Scheduling;
using OpsFlow.Scripting;

namespace OpsFlow.Bot.Hosting;

internal static partial class SchedulingSetup
{
    /// <summary>
    /// Schedules declared in scripts are brought in line with Quartz at start and after every script reload. For the
    /// long-lived server only, beside AddOpsFlowScheduling: the command line keeps its timers in process (see docs/cli.md).
    /// </summary>
    public static IServiceCollection AddOpsFlowDeclaredSchedules(this IServiceCollection services)
    {
        services.AddSingleton<IStartupStep, DeclaredSchedulesSync>();
        services.AddHostedService<DeclaredSchedulesFollower>();
        return services;
    }

    /// <summary>After the scripts are loaded at start: declared schedules as the scripts say.</summary>
    private sealed class DeclaredSchedulesSync(QuartzRunSchedules schedules) : IStartupStep
    {
        public async Task RunAsync(CancellationToken cancellationToken) => await schedules.SyncDeclaredAsync(cancellationToken);
    }

    /// <summary>After each reload of a changed script: declared schedules follow the edit.</summary>
    private sealed class DeclaredSchedulesFollower(IServiceProvider services, QuartzRunSchedules schedules, ILogger<DeclaredSchedulesFollower> logger) : IHostedService
    {
        private WorkflowFolderWatcher? _watcher;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            _watcher = services.GetService<WorkflowFolderWatcher>();
            if (_watcher is not null)
            {
                _watcher.Reloaded += OnReloaded;
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            if (_watcher is not null)
            {
                _watcher.Reloaded -= OnReloaded;
            }

            return Task.CompletedTask;
        }

        private void OnReloaded(IReadOnlyList<ScriptFileStatus> statuses) => _ = FollowAsync();

        private async Task FollowAsync()
        {
            try
            {
                await schedules.SyncDeclaredAsync(CancellationToken.None);
            }
            catch (Exception ex)
            {
                // The watcher's thread has nobody to report to; the previous schedules stay in service.
                LogSyncFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(3100, LogLevel.Error, "Declared schedules could not be brought in line with the reloaded scripts")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception);
}
