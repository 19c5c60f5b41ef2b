using Quartz;

namespace OpsFlow.Scheduling;

/// <summary>
/// The daily pass of the history tiers (<see cref="HistoryTiersPass"/>), in OpsFlow's name. Not concurrent, across
/// hosts too: clustered Quartz fires a job on one host.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class HistoryTiersJob(HistoryTiersPass pass, RetentionOptions options) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await pass.RunAsync(options, "system", "OpsFlow", cancellationToken);
}
