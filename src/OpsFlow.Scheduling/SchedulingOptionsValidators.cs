using Microsoft.Extensions.Options;
using Quartz;

namespace OpsFlow.Scheduling;

/// <summary>A cluster setting that would recover live hosts' jobs, or never notice dead ones, fails the start.</summary>
internal sealed class ClusterOptionsValidator : IValidateOptions<ClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterOptions options)
    {
        var problems = new List<string>();
        Positive(problems, nameof(options.CheckinInterval), options.CheckinInterval);
        Positive(problems, nameof(options.CheckinMisfireThreshold), options.CheckinMisfireThreshold);
        Positive(problems, nameof(options.WatchInterval), options.WatchInterval);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void Positive(List<string> problems, string setting, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"{SchedulingServiceCollectionExtensions.ClusterSection}:{setting} is {value}; use a positive duration such as 00:00:05.");
        }
    }
}

/// <summary>A retention setting the host cannot work with fails the start, not the night it was due.</summary>
internal sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        var problems = HistoryTiersPass.Problems(options).ToList();
        if ((options.StepLogDays > 0 || options.HotDays > 0) && !CronExpression.TryParse(options.Cron, out _))
        {
            problems.Add($"{SchedulingServiceCollectionExtensions.RetentionSection}:Cron is '{options.Cron}', which is not a Quartz cron expression; use seconds first, e.g. '0 30 3 * * ?' (the default, daily at 03:30 UTC).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
