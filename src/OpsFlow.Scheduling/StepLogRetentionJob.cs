using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Ports;
using Quartz;

namespace OpsFlow.Scheduling;

/// <summary>OpsFlow:Retention (docs/product.md §11): full step logs are kept this long after a run ends, then only its summary.</summary>
public sealed class RetentionOptions
{
    /// <summary>Days a finished run keeps its step logs; 0 or less keeps them for ever (the job is not scheduled).</summary>
    public int StepLogDays { get; set; } = 30;

    /// <summary>When the job runs (Quartz cron, UTC): daily at 03:30, when hosts are usually quiet.</summary>
    public string Cron { get; set; } = "0 30 3 * * ?";
}

/// <summary>
/// Deletes the step logs of runs that ended more than <see cref="RetentionOptions.StepLogDays"/> ago. The store deletes
/// in batches between other writes; runs, steps and history stay, so reports are unchanged.
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
