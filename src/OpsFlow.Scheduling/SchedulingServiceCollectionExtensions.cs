using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Ports;
using Quartz;

namespace OpsFlow.Scheduling;

public static class SchedulingServiceCollectionExtensions
{
    /// <summary>How late a firing must be to count as missed (and, for a schedule, to be reported late).</summary>
    public static readonly TimeSpan MisfireThreshold = TimeSpan.FromSeconds(10);

    /// <summary>The retention job, for an operator (or a test) that wants to run it now.</summary>
    public static JobKey StepLogRetentionJob => QuartzKeys.RetentionJob;

    /// <summary>
    /// Quartz with its ADO job store in OpsFlow's SQLite database (its tables are created at start when missing),
    /// owning the engine's timers and the recurring schedules. Not clustered: Quartz refuses clustering on SQLite,
    /// so one host per database file. Registers the hosted service that starts and stops the scheduler.
    /// </summary>
    /// <param name="retention">When given (and its days are positive), a daily job trims old step logs.</param>
    public static IServiceCollection AddOpsFlowQuartz(this IServiceCollection services, string sqliteConnectionString, RetentionOptions? retention = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sqliteConnectionString);
        return services.AddQuartzStore(store => store.UseSqlite(sqliteConnectionString), retention);
    }

    /// <summary>
    /// Quartz clustered on OpsFlow's PostgreSQL database (its tables are created at start when missing; hosts
    /// starting together find the ones the first created): every host shares the timers, the schedules and the
    /// run jobs, a trigger fires on one host only, and the run jobs of a host that stops checking in are recovered
    /// by another host after <see cref="ClusterOptions.CheckinInterval"/> plus <see cref="ClusterOptions.CheckinMisfireThreshold"/>.
    /// </summary>
    public static IServiceCollection AddOpsFlowQuartzCluster(this IServiceCollection services, string postgresConnectionString, ClusterOptions? cluster = null, RetentionOptions? retention = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(postgresConnectionString);
        cluster ??= new ClusterOptions();
        cluster.Enabled = true;
        services.AddSingleton(cluster);
        return services.AddQuartzStore(
            store =>
            {
                store.UsePostgres(postgresConnectionString);
                store.UseClustering(clustering =>
                {
                    clustering.CheckinInterval = cluster.CheckinInterval;
                    clustering.CheckinMisfireThreshold = cluster.CheckinMisfireThreshold;
                });
            },
            retention);
    }

    private static IServiceCollection AddQuartzStore(this IServiceCollection services, Action<IPersistentStoreBuilder> database, RetentionOptions? retention)
    {
        retention ??= new RetentionOptions { StepLogDays = 0 };
        services.AddSingleton(retention);
        services.TryAddSingleton(new ClusterOptions());
        services.AddQuartz(quartz =>
        {
            // A run's job waits (asynchronously) while the run executes: allow as many as runs may execute at once.
            quartz.UseDefaultThreadPool(maxConcurrency: 500);
            quartz.UsePersistentStore(store =>
            {
                database(store);
                store.ProvisionSchema();
                store.UseSystemTextJsonSerializer();
            });
            quartz.AddTriggerListener<SchedulingTelemetry>();
            quartz.AddJob<WorkflowTimerJob>(job => job.WithIdentity(QuartzKeys.TimerJob).StoreDurably().WithDescription("fires the engine's timers: retry delays, approval deadlines"));
            quartz.AddJobType<RunJob>();
            quartz.AddJob<ScheduledRunJob>(job => job.WithIdentity(QuartzKeys.ScheduledRunJob).StoreDurably().RequestRecovery().WithDescription("starts the run a schedule is due for"));
            if (retention.StepLogDays > 0)
            {
                quartz.AddJob<StepLogRetentionJob>(job => job.WithIdentity(QuartzKeys.RetentionJob).StoreDurably()
                    .WithDescription($"deletes step logs of runs that ended more than {retention.StepLogDays} days ago"));
                quartz.AddTrigger(trigger => trigger.ForJob(QuartzKeys.RetentionJob).WithIdentity(QuartzKeys.RetentionTrigger)
                    .WithCronSchedule(retention.Cron, cron => cron.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)));
            }
        });
        // Jobs hand work to the engine and return, so stopping need not wait for them; a step still running is
        // re-run at the next start, as after a crash.
        // A firing more than this late counts as missed, and the misfire policy applies: fire once, now. Quartz's 60 s
        // default would replay every missed slot of a short schedule one by one after a short outage.
        services.Configure<QuartzOptions>(options => options.Properties["quartz.jobStore.misfireThreshold"] =
            ((long)MisfireThreshold.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = false);
        services.AddSingleton<IWorkflowTimers, QuartzWorkflowTimers>();
        services.AddSingleton<IWorkflowTimerHandler>(sp => sp.GetRequiredService<WorkflowEngine>());
        services.AddSingleton<IRunDispatcher, QuartzRunDispatcher>();
        services.AddSingleton<QuartzRunSchedules>();
        services.AddSingleton<IRunSchedules>(sp => sp.GetRequiredService<QuartzRunSchedules>());
        return services;
    }
}
