using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Teams.Cards;
using OpsFlow.Teams.Connector;
using OpsFlow.Teams.Inbound;
using OpsFlow.Teams.Ports;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Publishing;

/// <summary>
/// Keeps each run's one card up to date (PRODUCT §7). The engine's change notifications only mark a run dirty; a
/// background loop posts the card once, then updates it in place, coalescing changes so a card is at most about
/// 2 s stale while every conversation stays within Teams' limits, which its cards and notifications share.
/// </summary>
public sealed partial class RunCardPublisher(
    RunCardSource source,
    IRunStore runs,
    IChatStore chats,
    ConversationDirectory conversations,
    IConnectorClient connector,
    TeamsOptions options,
    AccessOptions access,
    TimeProvider clock,
    ILogger<RunCardPublisher> logger,
    TeamsTelemetry? telemetry = null,
    RunCardJournal? journal = null) : BackgroundService, IRunObserver, IRunCards
{
    private readonly TeamsTelemetry _telemetry = telemetry ?? TeamsTelemetry.Unregistered;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, RunSlot> _slots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConversationLane> _lanes = new(StringComparer.Ordinal);
    private readonly BoundedCache<string, bool> _announced = new(10_000);
    private readonly BoundedCache<string, bool> _warnedUnreachable = new(1_000);
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Never blocks the engine: it marks the run dirty and wakes the loop.</summary>
    public ValueTask OnRunChangedAsync(RunChanged change, CancellationToken cancellationToken = default)
    {
        var run = change.Run;
        if (ChangesNothingShown(change))
        {
            return ValueTask.CompletedTask;
        }

        lock (_gate)
        {
            if (!_slots.TryGetValue(run.Id, out var slot))
            {
                if (string.IsNullOrWhiteSpace(run.ReplyTo))
                {
                    return ValueTask.CompletedTask;
                }

                slot = new RunSlot(run.Id) { ConversationId = options.ResolveConversation(run.ReplyTo) };
                _slots[run.Id] = slot;
            }

            if (!slot.MarkDirty(clock.GetUtcNow()))
            {
                _telemetry.CardChangeCoalesced();
            }

            slot.Final = RunCardBuilder.IsFinal(run.Status);
        }

        Wake();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// A change that only recorded an audit entry (a refused click or command, say) and touched no step: the card would
    /// be written again as it is, and that write would replace the refusal notice the person who clicked was just shown.
    /// </summary>
    private static bool ChangesNothingShown(RunChanged change) =>
        change.Steps.Count == 0 && change.History.Count > 0 && change.History.All(h => h.Kind == HistoryKind.Audit);

    public async Task<AdaptiveCard?> RenderAsync(string runId, string? notice, CancellationToken cancellationToken = default)
    {
        var view = await source.LoadAsync(runId, notice, cancellationToken).ConfigureAwait(false);
        return view is null ? null : RunCardBuilder.Build(view);
    }

    public async Task PostAsync(string runId, ConversationReference conversation, CancellationToken cancellationToken = default)
    {
        var view = await source.LoadAsync(runId, null, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"There is no run '{runId}'.");
        await TakeTurnAsync(conversation.ConversationId, cancellationToken).ConfigureAwait(false);
        var id = await connector.SendAsync(conversation, Outgoing.Card(conversation, RunCardBuilder.Build(view)), cancellationToken).ConfigureAwait(false);
        _telemetry.CardWritten("post", succeeded: true);
        var now = clock.GetUtcNow();
        await chats.SaveRunCardAsync(new RunCard(runId, conversation.ConversationId, id, now), cancellationToken).ConfigureAwait(false);
        PublishingLog.CardPosted(logger, runId, conversation.ConversationId, id);
        lock (_gate)
        {
            if (RunCardBuilder.IsFinal(view.Run.Status))
            {
                _slots.Remove(runId);
                return;
            }

            // From now on this card is the one kept up to date.
            var slot = _slots.TryGetValue(runId, out var known) ? known : _slots[runId] = new RunSlot(runId);
            slot.ConversationId = conversation.ConversationId;
            slot.Reference = conversation;
            slot.Prepared = true;
            slot.Posted = true;
            slot.ActivityId = id;
            slot.LastFlush = now;
        }
    }

    public void Refresh(string runId)
    {
        lock (_gate)
        {
            if (!_slots.TryGetValue(runId, out var slot))
            {
                _slots[runId] = slot = new RunSlot(runId);
            }

            slot.MarkDirty(clock.GetUtcNow());
        }

        Wake();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RecoverCardIdsUntilSavedAsync(stoppingToken).ConfigureAwait(false);
        try
        {
            await CatchUpAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            PublishingLog.CatchUpFailed(logger, ex);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _wake, signal);
            TimeSpan? wait;
            try
            {
                wait = await PumpAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                PublishingLog.LoopFailed(logger, ex);
                wait = TimeSpan.FromSeconds(1);
            }

            using var sleep = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var delay = Task.Delay(wait ?? Timeout.InfiniteTimeSpan, clock, sleep.Token);
            await Task.WhenAny(signal.Task, delay).ConfigureAwait(false);
            await sleep.CancelAsync().ConfigureAwait(false);
        }
    }

    private void Wake() => Volatile.Read(ref _wake).TrySetResult();

    /// <summary>Waits until the conversation's budget has room for one operation, and takes it.</summary>
    private async Task TakeTurnAsync(string conversationId, CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan wait;
            lock (_gate)
            {
                var lane = Lane(conversationId);
                var now = clock.GetUtcNow();
                wait = lane.Limiter.WaitBefore(now);
                if (wait <= TimeSpan.Zero)
                {
                    lane.Limiter.Record(now);
                    lane.LastCardOperation = now;
                    return;
                }
            }

            await Task.Delay(wait, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    private ConversationLane Lane(string conversationId) =>
        _lanes.TryGetValue(conversationId, out var lane) ? lane : _lanes[conversationId] = new ConversationLane();
}
