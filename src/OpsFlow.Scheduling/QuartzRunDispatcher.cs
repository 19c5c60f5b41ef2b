using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Ports;
using Quartz;

namespace OpsFlow.Scheduling;

/// <summary>
/// A run that starts executing becomes a Quartz job of its own ("run/&lt;id&gt;") that requests recovery and never
/// executes twice at once. The job waits while the run executes steps; if the process dies meanwhile, Quartz
/// re-fires it at the next start (and, clustered, on another host), which resumes the run.
/// </summary>
internal sealed class QuartzRunDispatcher(ISchedulerFactory schedulers, ClusterOptions cluster, TimeProvider clock) : IRunDispatcher
{
    public const string RunGroup = "opsflow-runs";

    public async Task RunBusyAsync(string runId, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var job = JobBuilder.Create<RunJob>()
            .WithIdentity(runId, RunGroup)
            .WithDescription($"executes run {runId}")
            .UsingJobData(RunJob.RunIdKey, runId)
            .RequestRecovery()
            .DisallowConcurrentExecution()
            .StoreDurably(false)
            .Build();
        var trigger = TriggerBuilder.Create(clock)
            .WithIdentity(runId, RunGroup)
            .ForJob(job)
            .StartNow()
            .WithSchedule(SimpleScheduleBuilder.Create().WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        // Busy again while the last job still waits: its trigger is kept; the job already covers the run.
        if (!await scheduler.Exists(job.Key, cancellationToken))
        {
            await scheduler.ScheduleJob(job, trigger, new ScheduleJobOptions { Replace = true }, cancellationToken);
        }
        else if (cluster.Enabled)
        {
            // Clustered, the job may be on another host and about to end (its run went idle there a moment ago):
            // one more firing, held back by Quartz until that execution is over, covers this busy spell.
            var again = TriggerBuilder.Create(clock)
                .WithIdentity($"{runId}/{Guid.NewGuid():n}", RunGroup)
                .ForJob(job.Key)
                .StartNow()
                .WithSchedule(SimpleScheduleBuilder.Create().WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
                .Build();
            await scheduler.ScheduleJob(job, again, new ScheduleJobOptions { Replace = true }, cancellationToken);
        }
    }
}

/// <summary>
/// Executes one run: drives it until no step is executing. Re-fired by Quartz after a crash. Clustered, the job may
/// fire on a host other than the one driving the run: it then watches the run's lease, and takes the run over when
/// that host dies (its lease expires), or ends when the run goes idle or ends.
/// </summary>
internal sealed class RunJob(WorkflowEngine engine, ClusterOptions cluster, TimeProvider clock, ILogger<RunJob> logger) : IJob
{
    public const string RunIdKey = "runId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var runId = context.MergedJobDataMap.Text(RunIdKey);
        if (context.Recovering)
        {
            Log.RunRecovering(logger, runId);
        }

        var watching = false;
        while (true)
        {
            var status = await engine.DriveAsync(runId, cancellationToken);
            if (status is not null || !await engine.IsHeldElsewhereAsync(runId, cancellationToken))
            {
                Log.RunIdle(logger, runId, status?.ToString() ?? "not active");
                return;
            }

            if (!watching)
            {
                Log.RunWatched(logger, runId);
                watching = true;
            }

            await Task.Delay(cluster.WatchInterval, clock, cancellationToken);
        }
    }
}
