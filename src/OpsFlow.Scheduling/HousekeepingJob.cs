using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Ports;
using Quartz;

namespace OpsFlow.Scheduling;

/// <summary>
/// Runs every <see cref="IHousekeeping"/> each hour. One that fails is logged and the others still run; the next hour
/// tries it again.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class HousekeepingJob(IEnumerable<IHousekeeping> tasks, TimeProvider clock, ILogger<HousekeepingJob> logger) : IJob
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        foreach (var task in tasks)
        {
            try
            {
                var removed = await task.RunAsync(clock.GetUtcNow(), cancellationToken);
                Log.HousekeepingDone(logger, task.Name, removed);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.HousekeepingFailed(logger, ex, task.Name);
            }
        }
    }
}
