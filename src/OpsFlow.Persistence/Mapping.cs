using System.Text.Json;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;

namespace OpsFlow.Persistence;

/// <summary>Converts between the engine's records and the rows EF Core stores.</summary>
internal static class Mapping
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Item statuses as words: a row read by a person or a later version stays clear.
    private static readonly JsonSerializerOptions ItemsJson = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public static long Ticks(DateTimeOffset time) => time.UtcTicks;

    public static long? Ticks(DateTimeOffset? time) => time?.UtcTicks;

    public static DateTimeOffset Time(long ticks) => new(ticks, TimeSpan.Zero);

    public static DateTimeOffset? Time(long? ticks) => ticks is { } value ? new DateTimeOffset(value, TimeSpan.Zero) : null;

    public static RunRow ToRow(RunRecord run) => new()
    {
        Id = run.Id,
        Workflow = run.Workflow,
        WorkflowVersion = run.WorkflowVersion,
        Status = run.Status.ToString(),
        ParametersJson = JsonSerializer.Serialize(run.Parameters, Json),
        RequestedById = run.RequestedById,
        RequestedByName = run.RequestedByName,
        RequestedByAliases = run.RequestedByAliases.Count == 0 ? null : string.Join('\n', run.RequestedByAliases),
        Trigger = run.Trigger,
        LockKey = run.LockKey,
        RequestId = run.RequestId,
        ReplyTo = run.ReplyTo,
        CreatedAt = Ticks(run.CreatedAt),
        StartedAt = Ticks(run.StartedAt),
        EndedAt = Ticks(run.EndedAt),
        Error = run.Error,
        HistorySeq = run.HistorySeq,
        Version = run.Version,
        ArchivedIn = run.ArchivedIn,
    };

    public static RunRecord ToRecord(RunRow row) => new()
    {
        Id = row.Id,
        Workflow = row.Workflow,
        WorkflowVersion = row.WorkflowVersion,
        Status = Enum.Parse<RunStatus>(row.Status),
        Parameters = JsonSerializer.Deserialize<Dictionary<string, string>>(row.ParametersJson, Json) ?? [],
        RequestedById = row.RequestedById,
        RequestedByName = row.RequestedByName,
        RequestedByAliases = row.RequestedByAliases?.Split('\n') ?? [],
        Trigger = row.Trigger,
        LockKey = row.LockKey,
        RequestId = row.RequestId,
        ReplyTo = row.ReplyTo,
        CreatedAt = Time(row.CreatedAt),
        StartedAt = Time(row.StartedAt),
        EndedAt = Time(row.EndedAt),
        Error = row.Error,
        HistorySeq = row.HistorySeq,
        Version = row.Version,
        ArchivedIn = row.ArchivedIn,
    };

    public static StepRow ToRow(StepRecord step) => new()
    {
        RunId = step.RunId,
        Name = step.Name,
        Position = step.Position,
        Status = step.Status.ToString(),
        Attempt = step.Attempt,
        StartedAt = Ticks(step.StartedAt),
        EndedAt = Ticks(step.EndedAt),
        DueAt = Ticks(step.DueAt),
        Error = step.Error,
        ErrorDetail = step.ErrorDetail,
        OutputsJson = JsonSerializer.Serialize(step.Outputs, Json),
        VotesJson = JsonSerializer.Serialize(step.Votes, Json),
        FindingsJson = JsonSerializer.Serialize(step.Findings, Json),
        Extensions = step.Extensions,
        Escalated = step.Escalated,
        CompletedSeq = step.CompletedSeq,
        ProgressPercent = step.ProgressPercent,
        ProgressText = step.ProgressText,
        CpuMilliseconds = step.CpuMilliseconds,
        PeakMemoryBytes = step.PeakMemoryBytes,
        ItemsJson = step.Items.Count == 0 ? null : JsonSerializer.Serialize(step.Items, ItemsJson),
    };

    public static StepRecord ToRecord(StepRow row) => new()
    {
        RunId = row.RunId,
        Name = row.Name,
        Position = row.Position,
        Status = Enum.Parse<StepStatus>(row.Status),
        Attempt = row.Attempt,
        StartedAt = Time(row.StartedAt),
        EndedAt = Time(row.EndedAt),
        DueAt = Time(row.DueAt),
        Error = row.Error,
        ErrorDetail = row.ErrorDetail,
        Outputs = JsonSerializer.Deserialize<Dictionary<string, string>>(row.OutputsJson, Json) ?? [],
        Votes = JsonSerializer.Deserialize<ApprovalVote[]>(row.VotesJson, Json) ?? [],
        Findings = JsonSerializer.Deserialize<Finding[]>(row.FindingsJson, Json) ?? [],
        Extensions = row.Extensions,
        Escalated = row.Escalated,
        CompletedSeq = row.CompletedSeq,
        ProgressPercent = row.ProgressPercent,
        ProgressText = row.ProgressText,
        CpuMilliseconds = row.CpuMilliseconds,
        PeakMemoryBytes = row.PeakMemoryBytes,
        Items = row.ItemsJson is null ? [] : JsonSerializer.Deserialize<StepItem[]>(row.ItemsJson, ItemsJson) ?? [],
    };

    public static HistoryRow ToRow(HistoryEntry entry) => new()
    {
        RunId = entry.RunId,
        Seq = entry.Seq,
        At = Ticks(entry.At),
        Kind = entry.Kind.ToString(),
        Actor = entry.Actor,
        Step = entry.Step,
        FromStatus = entry.From,
        ToStatus = entry.To,
        Reason = entry.Reason,
    };

    public static HistoryEntry ToRecord(HistoryRow row) =>
        new(row.RunId, row.Seq, Time(row.At), Enum.Parse<HistoryKind>(row.Kind), row.Actor, row.Step, row.FromStatus, row.ToStatus, row.Reason);

    public static StepLogRow ToRow(StepLogLine line) => new()
    {
        RunId = line.RunId,
        Step = line.Step,
        Attempt = line.Attempt,
        At = Ticks(line.At),
        Level = line.Level,
        Text = line.Text,
    };

    public static StepLogLine ToRecord(StepLogRow row) => new(row.RunId, row.Step, row.Attempt, Time(row.At), row.Level, row.Text);
}
