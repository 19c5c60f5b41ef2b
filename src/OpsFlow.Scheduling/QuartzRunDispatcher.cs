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
internal sealed class QuartzRunDispatcher(ISchedulerFactory schedulers, TimeProvider clock) : IRunDispatcher
{
    public const string RunGroup = "opsflow-runs";

    public async Task RunBusyAsync(string runId, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken).ConfigureAwait(false);
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
        if (!await scheduler.Exists(job.Key, cancellationToken).ConfigureAwait(false))
        {
            await scheduler.ScheduleJob(job, trigger, new ScheduleJobOptions { Replace = true }, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Executes one run: drives it until no step is executing. Re-fired by Quartz after a crash.</summary>
internal sealed class RunJob(WorkflowEngine engine, ILogger<RunJob> logger) : IJob
{
    public const string RunIdKey = "runId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var runId = context.MergedJobDataMap.Text(RunIdKey);
        if (context.Recovering)
        {
            Log.RunRecovering(logger, runId);
        }

        var status = await engine.DriveAsync(runId, cancellationToken).ConfigureAwait(false);
        Log.RunIdle(logger, runId, status?.ToString() ?? "not active");
    }
}
