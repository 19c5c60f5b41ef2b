using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using Quartz;

namespace OpsFlow.Scheduling;

public static class SchedulingServiceCollectionExtensions
{
    /// <summary>The configuration section of <see cref="ClusterOptions"/>.</summary>
    public const string ClusterSection = "OpsFlow:Cluster";

    /// <summary>The configuration section of <see cref="RetentionOptions"/>.</summary>
    public const string RetentionSection = "OpsFlow:Retention";

    /// <summary>How late a firing must be to count as missed (and, for a schedule, to be reported late).</summary>
    public static readonly TimeSpan MisfireThreshold = TimeSpan.FromSeconds(10);

    /// <summary>The retention job, for an operator (or a test) that wants to run it now.</summary>
    public static JobKey StepLogRetentionJob => QuartzKeys.RetentionJob;

    /// <summary>The history tiers' daily pass, for an operator (or a test) that wants to run it now.</summary>
    public static JobKey HistoryTiersJob => QuartzKeys.HistoryTiersJob;

    /// <summary>The scheduler with <see cref="ClusterOptions"/> and <see cref="RetentionOptions"/> from their sections of <paramref name="configuration"/>.</summary>
    /// <inheritdoc cref="AddOpsFlowScheduling(IServiceCollection, Action{RetentionOptions}?, Action{ClusterOptions}?)" path="/remarks"/>
    public static IServiceCollection AddOpsFlowScheduling(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ClusterOptions>().Bind(configuration.GetSection(ClusterSection));
        return services.AddOpsFlowScheduling(retention => configuration.GetSection(RetentionSection).Bind(retention));
    }

    /// <summary>
    /// Quartz with its ADO job store in OpsFlow's database, owning the engine's timers, the runs as recoverable jobs and
    /// the recurring schedules; and the hosted service that starts and stops it.
    /// </summary>
    /// <remarks>
    /// The database is the one the persistence provider registered (<see cref="OpsFlowDatabase"/>): the scheduler chooses
    /// none and brings no driver, and the provider's migrations create its tables. Hosts that share the database run
    /// Quartz clustered (PostgreSQL); SQLite is one host per file. This replaces the engine's in-process timers, whichever
    /// was registered first. The options are checked at start; a <paramref name="retention"/> with positive
    /// <see cref="RetentionOptions.StepLogDays"/> schedules a daily job that trims old step logs; a positive
    /// <see cref="RetentionOptions.HotDays"/> (the default) the daily pass of the history tiers.
    /// </remarks>
    public static IServiceCollection AddOpsFlowScheduling(
        this IServiceCollection services, Action<RetentionOptions>? retention = null, Action<ClusterOptions>? cluster = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var retentionOptions = services.AddOptions<RetentionOptions>().ValidateOnStart();
        var clusterOptions = services.AddOptions<ClusterOptions>().ValidateOnStart()
            .PostConfigure<OpsFlowDatabase>((options, database) => options.Enabled = database.SharedByHosts);
        if (retention is not null)
        {
            retentionOptions.Configure(retention);
        }

        if (cluster is not null)
        {
            clusterOptions.Configure(cluster);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClusterOptions>, ClusterOptionsValidator>());
        // The jobs take the options as plain objects.
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<RetentionOptions>>().Value);
        services.TryAddSingleton<HistoryTiersPass>();
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ClusterOptions>>().Value);
        services.AddOptions<QuartzOptions>().Configure<OpsFlowDatabase, ClusterOptions>(QuartzStore.Apply);
        AddQuartz(services, RetentionAtRegistration(retention));
        // The engine's in-process timers are its default; this adapter owns the port, in whichever order both register.
        services.RemoveAll<IWorkflowTimers>();
        services.AddSingleton<IWorkflowTimers, QuartzWorkflowTimers>();
        services.TryAddSingleton<IRunDispatcher, QuartzRunDispatcher>();
        services.TryAddSingleton<QuartzRunSchedules>();
        services.TryAddSingleton<IRunSchedules>(sp => sp.GetRequiredService<QuartzRunSchedules>());
        return services;
    }

    /// <summary>Whether (and when) the retention job runs decides what Quartz is given at registration, so it is read now.</summary>
    private static RetentionOptions RetentionAtRegistration(Action<RetentionOptions>? configure)
    {
        var retention = new RetentionOptions();
        configure?.Invoke(retention);
        return retention;
    }

    private static void AddQuartz(IServiceCollection services, RetentionOptions retention)
    {
        if (services.Any(d => d.ServiceType == typeof(QuartzRunSchedules)))
        {
            return;
        }

        // A person's schedule runs in their name with the roles configuration gives them at each firing.
        services.TryAddSingleton(_ => new AccessOptions());
        services.TryAddSingleton<ActorDirectory>();
        services.TryAddSingleton<IAnnouncements>(NoAnnouncements.Instance);
        services.AddQuartz(quartz =>
        {
            // A run's job waits (asynchronously) while the run executes: allow as many as runs may execute at once.
            quartz.UseDefaultThreadPool(maxConcurrency: 500);
            quartz.UsePersistentStore(QuartzStore.Use);
            quartz.AddTriggerListener<SchedulingTelemetry>();
            // On a long-lived host, not only at start: inbound activity ids and notices past their retention.
            quartz.AddJob<HousekeepingJob>(job => job.WithIdentity(QuartzKeys.HousekeepingJob).StoreDurably()
                .WithDescription("runs every registered clean-up: expired inbound activity ids, old chat notices"));
            quartz.AddTrigger(trigger => trigger.ForJob(QuartzKeys.HousekeepingJob).WithIdentity(QuartzKeys.HousekeepingTrigger)
                .StartNow().WithSimpleSchedule(every => every.WithInterval(HousekeepingJob.Interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
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

            if (retention.HotDays > 0)
            {
                quartz.AddJob<HistoryTiersJob>(job => job.WithIdentity(QuartzKeys.HistoryTiersJob).StoreDurably()
                    .WithDescription($"archives months of runs older than {retention.HotDays} days; {(retention.Cold == ColdTier.Delete ? $"deletes archives older than {retention.ColdYears} years" : "keeps every archive")}"));
                quartz.AddTrigger(trigger => trigger.ForJob(QuartzKeys.HistoryTiersJob).WithIdentity(QuartzKeys.HistoryTiersTrigger)
                    .WithCronSchedule(retention.Cron, cron => cron.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)));
            }
        });
        // A firing more than this late counts as missed, and the misfire policy applies: fire once, now. Quartz's 60 s
        // default would replay every missed slot of a short schedule one by one after a short outage.
        services.Configure<QuartzOptions>(options => options.Properties["quartz.jobStore.misfireThreshold"] =
            ((long)MisfireThreshold.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        // Jobs hand work to the engine and return, so stopping need not wait for them; a step still running is
        // re-run at the next start, as after a crash.
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = false);
    }
}
