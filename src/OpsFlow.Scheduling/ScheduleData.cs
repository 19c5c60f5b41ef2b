using System.Text.Json;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using Quartz;

namespace OpsFlow.Scheduling;

/// <summary>What a schedule's trigger carries in its job data, and how it reads back as a <see cref="RunSchedule"/>.</summary>
internal static class ScheduleData
{
    public const string Workflow = "workflow";
    public const string Parameters = "parameters";
    public const string Conversation = "conversation";
    public const string CreatedBy = "createdBy";
    public const string CreatedByName = "createdByName";
    /// <summary>The creator's other ids (object id, UPN), one per line: their scheduled runs are theirs under every id.</summary>
    public const string CreatedByAliases = "createdByAliases";
    public const string DeclaredIn = "declaredIn";
    public const string Cron = "cron";

    public static JobDataMap Write(string workflow, string cron, IReadOnlyDictionary<string, string?> parameters, string? conversation, Actor creator) =>
        Write(workflow, cron, parameters, conversation, creator.Id, declaredIn: null, creator.DisplayName, ApprovalRules.Aliases(creator));

    public static JobDataMap Write(
        string workflow,
        string cron,
        IReadOnlyDictionary<string, string?> parameters,
        string? conversation,
        string createdBy,
        string? declaredIn,
        string? createdByName = null,
        IReadOnlyList<string>? createdByAliases = null)
    {
        var data = new JobDataMap
        {
            [Workflow] = workflow,
            [Cron] = cron,
            [Parameters] = JsonSerializer.Serialize(parameters),
            [CreatedBy] = createdBy,
        };
        if (conversation is not null)
        {
            data[Conversation] = conversation;
        }

        if (declaredIn is not null)
        {
            data[DeclaredIn] = declaredIn;
        }

        if (createdByName is not null)
        {
            data[CreatedByName] = createdByName;
        }

        if (createdByAliases is { Count: > 0 })
        {
            data[CreatedByAliases] = string.Join('\n', createdByAliases);
        }

        return data;
    }

    /// <summary>The person who added the schedule, as configuration sees them today (their roles may have changed since).</summary>
    public static Actor Creator(ITrigger trigger, ActorDirectory directory)
    {
        var data = trigger.JobDataMap;
        var aliases = (data.OptionalText(CreatedByAliases) ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return directory.Resolve(
            data.Text(CreatedBy),
            data.OptionalText(CreatedByName),
            aliases.FirstOrDefault(IdentityNames.IsUpn),
            aliases.FirstOrDefault(IdentityNames.IsObjectId)) with { Via = "schedule" };
    }

    public static RunSchedule Read(ITrigger trigger, bool paused = false)
    {
        var data = trigger.JobDataMap;
        return new RunSchedule(
            trigger.Key.Name,
            data.Text(Workflow),
            data.Text(Cron),
            (trigger as ICronTrigger)?.TimeZone.Id ?? "UTC",
            ReadParameters(data),
            data.OptionalText(Conversation),
            data.Text(CreatedBy),
            data.OptionalText(DeclaredIn),
            trigger.NextFireTimeUtc,
            trigger.PreviousFireTimeUtc,
            paused);
    }

    public static IReadOnlyDictionary<string, string?> ReadParameters(JobDataMap data) =>
        JsonSerializer.Deserialize<Dictionary<string, string?>>(data.Text(Parameters)) ?? [];
}
