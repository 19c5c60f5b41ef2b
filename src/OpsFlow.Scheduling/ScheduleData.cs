using System.Text.Json;
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
    public const string DeclaredIn = "declaredIn";
    public const string Cron = "cron";

    public static JobDataMap Write(string workflow, string cron, IReadOnlyDictionary<string, string?> parameters, string? conversation, string createdBy, string? declaredIn)
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

        return data;
    }

    public static RunSchedule Read(ITrigger trigger)
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
            trigger.PreviousFireTimeUtc);
    }

    public static IReadOnlyDictionary<string, string?> ReadParameters(JobDataMap data) =>
        JsonSerializer.Deserialize<Dictionary<string, string?>>(data.Text(Parameters)) ?? [];
}
