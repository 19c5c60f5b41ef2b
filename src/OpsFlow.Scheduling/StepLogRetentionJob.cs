using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Ports;
using Quartz;

namespace OpsFlow.Scheduling;

/// <summary>
/// Deletes the step logs of runs that ended more than <see cref="RetentionOptions.StepLogDays"/> ago. The store deletes
/// in batches between other writes; runs, steps and history stay, so reports are unchanged. Off by default: logs
/// leave the database with their run, for the archive (<see cref="HistoryTiersJob"/>).
/// </summary>
[DisallowConcurrentExecution]
internal sealed class StepLogRetentionJob(IRunStore store, RetentionOptions options, TimeProvider clock, ILogger<StepLogRetentionJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var before = clock.GetUtcNow() - TimeSpan.FromDays(options.StepLogDays);
        var deleted = await store.TrimStepLogsAsync(before, cancellationToken);
        Log.StepLogsTrimmed(logger, deleted, options.StepLogDays, before);
    }
}
