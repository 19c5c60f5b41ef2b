using Microsoft.Extensions.Options;
using OpsFlow.Engine.Execution;

namespace OpsFlow.Engine.Setup;

/// <summary>Settings that would make the engine misbehave quietly (a lease that lapses between renewals) fail the start instead.</summary>
internal sealed class EngineOptionsValidator : IValidateOptions<EngineOptions>
{
    public ValidateOptionsResult Validate(string? name, EngineOptions options)
    {
        var problems = new List<string>();
        Positive(problems, nameof(options.ReviveDelay), options.ReviveDelay);
        Positive(problems, nameof(options.MaxReviveDelay), options.MaxReviveDelay);
        Positive(problems, nameof(options.LeaseDuration), options.LeaseDuration);
        Positive(problems, nameof(options.LeaseRenewInterval), options.LeaseRenewInterval);
        Positive(problems, nameof(options.CommandWait), options.CommandWait);
        Positive(problems, nameof(options.MailboxPollInterval), options.MailboxPollInterval);
        if (options.ShutdownGracePeriod < TimeSpan.Zero)
        {
            problems.Add($"{EngineServiceCollectionExtensions.Section}:ShutdownGracePeriod is {options.ShutdownGracePeriod}; use zero or more (default 00:00:30).");
        }

        if (options.MaxParallelStepsPerRun < 1)
        {
            problems.Add($"{EngineServiceCollectionExtensions.Section}:MaxParallelStepsPerRun is {options.MaxParallelStepsPerRun}; use 1 or more (default 4).");
        }

        if (options.MaxLogLinesPerAttempt < 1)
        {
            problems.Add($"{EngineServiceCollectionExtensions.Section}:MaxLogLinesPerAttempt is {options.MaxLogLinesPerAttempt}; use 1 or more (default 2000).");
        }

        if (options.MaxLogLineLength < 256)
        {
            problems.Add($"{EngineServiceCollectionExtensions.Section}:MaxLogLineLength is {options.MaxLogLineLength}; use 256 or more (default 8192).");
        }

        if (options.MaxReviveDelay < options.ReviveDelay)
        {
            problems.Add($"{EngineServiceCollectionExtensions.Section}:MaxReviveDelay ({options.MaxReviveDelay}) is shorter than ReviveDelay ({options.ReviveDelay}); make it at least as long.");
        }

        // A hold renewed less often than it lasts lapses between renewals, and another host takes a live run over.
        if (options.LeaseRenewInterval >= options.LeaseDuration)
        {
            problems.Add($"{EngineServiceCollectionExtensions.Section}:LeaseRenewInterval ({options.LeaseRenewInterval}) must be shorter than LeaseDuration ({options.LeaseDuration}); "
                + "renew well inside the lease (the defaults are 00:00:02 and 00:00:10).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void Positive(List<string> problems, string setting, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"{EngineServiceCollectionExtensions.Section}:{setting} is {value}; use a positive duration such as 00:00:05.");
        }
    }
}
