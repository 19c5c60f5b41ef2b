using Microsoft.Extensions.Options;
using OpsFlow.Teams.Auth;
using OpsFlow.Teams.Connector;

namespace OpsFlow.Teams;

/// <summary>A Teams setting the channel cannot work with fails the start, naming the setting and what to write.</summary>
internal sealed class TeamsOptionsValidator : IValidateOptions<TeamsOptions>
{
    public ValidateOptionsResult Validate(string? name, TeamsOptions options)
    {
        var problems = new List<string>();
        if (options.Authenticates && string.IsNullOrWhiteSpace(options.AppPassword))
        {
            problems.Add(BotTokenSource.MissingPassword);
        }

        Settings.Positive(problems, TeamsSetup.Section, nameof(options.ProcessingTimeout), options.ProcessingTimeout, "00:01:00");
        Settings.Positive(problems, TeamsSetup.Section, nameof(options.InvokeTimeout), options.InvokeTimeout, "00:00:08");
        Settings.Positive(problems, TeamsSetup.Section, nameof(options.InboxRetention), options.InboxRetention, "2.00:00:00");
        if (options.OrphanedActivityAfter is { } orphaned)
        {
            Settings.Positive(problems, TeamsSetup.Section, nameof(options.OrphanedActivityAfter), orphaned, "00:00:15");
        }

        foreach (var (setting, value) in new[]
        {
            (nameof(options.CommandsPerUserPerMinute), options.CommandsPerUserPerMinute),
            (nameof(options.CommandsPerConversationPerMinute), options.CommandsPerConversationPerMinute),
            (nameof(options.MaxQueuedActivities), options.MaxQueuedActivities),
        })
        {
            if (value < 1)
            {
                problems.Add($"{TeamsSetup.Section}:{setting} is {value}; use 1 or more.");
            }
        }

        if (options.MaxActivityBytes < 1024)
        {
            problems.Add($"{TeamsSetup.Section}:{nameof(options.MaxActivityBytes)} is {options.MaxActivityBytes}; use at least 1024 (the default is 262144).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

/// <summary>Connector retries that would never try, or never wait, fail the start.</summary>
internal sealed class ConnectorOptionsValidator : IValidateOptions<ConnectorOptions>
{
    public ValidateOptionsResult Validate(string? name, ConnectorOptions options)
    {
        var problems = new List<string>();
        if (options.MaxAttempts < 1)
        {
            problems.Add($"{ConnectorOptions.Section}:{nameof(options.MaxAttempts)} is {options.MaxAttempts}; use 1 or more (1: no retries).");
        }

        Settings.Positive(problems, ConnectorOptions.Section, nameof(options.BaseDelay), options.BaseDelay, "00:00:00.500");
        Settings.Positive(problems, ConnectorOptions.Section, nameof(options.AttemptTimeout), options.AttemptTimeout, "00:00:30");
        if (options.MaxDelay < options.BaseDelay)
        {
            problems.Add($"{ConnectorOptions.Section}:{nameof(options.MaxDelay)} is {options.MaxDelay}, below BaseDelay {options.BaseDelay}; make it at least BaseDelay.");
        }

        if (options.MaxRetryAfter < TimeSpan.Zero)
        {
            problems.Add($"{ConnectorOptions.Section}:{nameof(options.MaxRetryAfter)} is {options.MaxRetryAfter}; use 00:00:00 or more.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

file static class Settings
{
    public static void Positive(List<string> problems, string section, string setting, TimeSpan value, string example)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"{section}:{setting} is {value}; use a positive duration such as {example}.");
        }
    }
}
