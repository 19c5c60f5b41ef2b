using System.Collections.Concurrent;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Teams.Cards;
using OpsFlow.Teams.Connector;
using OpsFlow.Chat;
using OpsFlow.Teams.Protocol;
using OpsFlow.Teams.Publishing;

namespace OpsFlow.Teams.Tests.Commands;

/// <summary>The recording connector, with members whose UPN the connector reports, and a count of member lookups.</summary>
public sealed class MemberConnector(TimeProvider clock) : IConnectorClient
{
    private int _lookups;

    public RecordingConnector Recorded { get; } = new(clock);

    public Dictionary<string, string> Upns { get; } = new(StringComparer.Ordinal);

    public int Lookups => _lookups;

    /// <summary>When true, member lookups fail as a connector that is down does.</summary>
    public bool Fails { get; set; }

    public Task<string?> SendAsync(ConversationReference conversation, Activity activity, CancellationToken cancellationToken = default) =>
        Recorded.SendAsync(conversation, activity, cancellationToken);

    public Task<string?> ReplyAsync(ConversationReference conversation, string replyToId, Activity activity, CancellationToken cancellationToken = default) =>
        Recorded.ReplyAsync(conversation, replyToId, activity, cancellationToken);

    public Task UpdateAsync(ConversationReference conversation, string activityId, Activity activity, CancellationToken cancellationToken = default) =>
        Recorded.UpdateAsync(conversation, activityId, activity, cancellationToken);

    public Task<string> CreatePersonalConversationAsync(ChatUser user, CancellationToken cancellationToken = default) =>
        Recorded.CreatePersonalConversationAsync(user, cancellationToken);

    public Task<ConversationMember?> GetMemberAsync(ConversationReference conversation, string userId, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _lookups);
        if (Fails)
        {
            throw new ConnectorException("the connector is down", 503);
        }

        return Task.FromResult<ConversationMember?>(new ConversationMember(userId, userId, Upns.GetValueOrDefault(userId), null));
    }
}

/// <summary>
/// The run-card publisher as the commands see it: a card that shows the run's status and the notice, and a record
/// of what was posted and refreshed.
/// </summary>
public sealed class FakeRunCards(IRunStore store) : IRunCards
{
    private readonly ConcurrentQueue<string> _refreshed = new();
    private readonly ConcurrentQueue<(string RunId, string ConversationId)> _posted = new();

    public IReadOnlyList<string> Refreshed => _refreshed.ToArray();

    public IReadOnlyList<(string RunId, string ConversationId)> Posted => _posted.ToArray();

    /// <summary>When true, RenderAsync finds no card, as for a run the publisher cannot draw.</summary>
    public bool Blank { get; set; }

    public async Task<AdaptiveCard?> RenderAsync(string runId, string? notice, CancellationToken cancellationToken = default)
    {
        if (Blank || await store.GetRunAsync(runId, cancellationToken) is not { } run)
        {
            return null;
        }

        IReadOnlyList<CardElement> body = notice is null
            ? [new TextBlock($"run {run.Id}: {run.Status}")]
            : [new TextBlock($"run {run.Id}: {run.Status}"), new TextBlock(notice) { Id = "notice" }];
        return new AdaptiveCard { Body = body, FallbackText = $"run {run.Id}" };
    }

    public Task PostAsync(string runId, ConversationReference conversation, CancellationToken cancellationToken = default)
    {
        _posted.Enqueue((runId, conversation.ConversationId));
        return Task.CompletedTask;
    }

    public void Refresh(string runId) => _refreshed.Enqueue(runId);
}

/// <summary>Schedules in memory: a cron must have five fields; every schedule request is kept for the test to read.</summary>
public sealed class FakeSchedules : IRunSchedules
{
    private readonly ConcurrentDictionary<string, RunSchedule> _schedules = new(StringComparer.Ordinal);
    private int _next;

    public ConcurrentQueue<NewSchedule> Requests { get; } = new();

    public Task<IReadOnlyList<RunSchedule>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<RunSchedule>>(_schedules.Values.OrderBy(s => s.Id, StringComparer.Ordinal).ToArray());

    public Task<ScheduleResult> AddAsync(NewSchedule schedule, CancellationToken cancellationToken = default)
    {
        Requests.Enqueue(schedule);
        if (!schedule.RequestedBy.HasRole(Roles.Operator))
        {
            return Task.FromResult(new ScheduleResult(null, ["Scheduling runs needs the operator role."], Forbidden: true));
        }

        if (schedule.Cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length != 5)
        {
            return Task.FromResult(new ScheduleResult(null, [$"'{schedule.Cron}' is not a cron expression: give five fields"]));
        }

        var id = $"s-{Interlocked.Increment(ref _next)}";
        var added = new RunSchedule(id, schedule.Workflow, schedule.Cron, schedule.TimeZone, schedule.Parameters, schedule.Conversation,
            schedule.RequestedBy.Id, null, new DateTimeOffset(2026, 11, 27, 6, 0, 0, TimeSpan.Zero), null);
        _schedules[id] = added;
        return Task.FromResult(new ScheduleResult(added, []));
    }

    public Task<ScheduleResult> RemoveAsync(string id, Actor requestedBy, CancellationToken cancellationToken = default) =>
        Task.FromResult(_schedules.TryRemove(id, out var removed)
            ? new ScheduleResult(removed, [])
            : new ScheduleResult(null, [$"There is no schedule {id}."], NotFound: true));
}
