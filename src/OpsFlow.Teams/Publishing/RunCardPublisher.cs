using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Teams.Cards;
using OpsFlow.Teams.Connector;
using OpsFlow.Teams.Inbound;
using OpsFlow.Chat;

namespace OpsFlow.Teams.Publishing;

/// <summary>
/// Keeps each run's one card up to date (docs/product.md §7). The engine's change notifications only become a message to the
/// loop of the run's conversation (<see cref="ConversationActor"/>), which posts the card once, then updates it in
/// place, coalescing changes so a card is at most about 2 s stale while the conversation stays within Teams' limits,
/// which its cards and notifications share. At start, nothing is written before the card journal is saved and the
/// cards a previous process left behind are marked (<see cref="CardRecovery"/>).
/// </summary>
public sealed class RunCardPublisher : BackgroundService, IRunObserver, IRunCards
{
    private readonly RunCardSource _source;
    private readonly IRunStore _runs;
    private readonly IChatStore _chats;
    private readonly TeamsOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<RunCardPublisher> _logger;
    private readonly ConversationActors _actors;
    private readonly CardRecovery _recovery;

    /// <summary>Runs asked to be refreshed whose conversation this process does not know yet; the publisher's own loop looks them up.</summary>
    private readonly Channel<string> _unrouted = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public RunCardPublisher(
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
        RunCardJournal? journal = null)
    {
        _source = source;
        _runs = runs;
        _chats = chats;
        _options = options;
        _clock = clock;
        _logger = logger;
        var metrics = telemetry ?? TeamsTelemetry.Unregistered;
        var writer = new CardWriter(source, chats, connector, new FirstCardClaim(chats, clock, logger), clock, logger, metrics, journal);
        var parts = new PublishingParts(writer, new NoticeSender(chats, connector, clock, logger), source, chats, conversations, access, clock, logger, metrics);
        _actors = new ConversationActors(parts);
        _recovery = new CardRecovery(runs, chats, journal, clock, logger, run => options.HomeOf(run) is not null);
    }

    /// <summary>Never blocks the engine: it tells the run's conversation that the card is out of date.</summary>
    public ValueTask OnRunChangedAsync(RunChanged change, CancellationToken cancellationToken = default)
    {
        var run = change.Run;
        if (ChangesNothingShown(change))
        {
            return ValueTask.CompletedTask;
        }

        var conversationId = _actors.RouteOf(run.Id) ?? _options.HomeOf(run);
        if (conversationId is not null)
        {
            _actors.Send(run.Id, conversationId, new RunDirty(run.Id, RunCardBuilder.IsFinal(run.Status), _clock.GetUtcNow()));
        }

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
        var view = await _source.LoadAsync(runId, notice, cancellationToken);
        return view is null ? null : RunCardBuilder.Build(view);
    }

    /// <summary>Posted by the conversation's loop, in its turn and within its budget; this waits until the card is posted.</summary>
    public async Task PostAsync(string runId, ConversationReference conversation, CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _actors.Post(conversation.ConversationId, new PostCard(runId, conversation, done, cancellationToken));
        await done.Task.WaitAsync(cancellationToken);
    }

    public void Refresh(string runId)
    {
        if (_actors.RouteOf(runId) is { } conversationId)
        {
            _actors.Post(conversationId, new RunDirty(runId, null, _clock.GetUtcNow()));
        }
        else
        {
            _unrouted.Writer.TryWrite(runId);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await _recovery.RecoverCardIdsUntilSavedAsync(stoppingToken);
        try
        {
            await CatchUpAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            PublishingLog.CatchUpFailed(_logger, ex);
        }

        _actors.Start(stoppingToken);
        try
        {
            await foreach (var runId in _unrouted.Reader.ReadAllAsync(stoppingToken))
            {
                await RouteAsync(runId, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; the loops stop on the same token.
        }
        finally
        {
            await _actors.WhenStoppedAsync();
        }
    }

    internal Task RecoverCardIdsAsync(CancellationToken cancellationToken) => _recovery.RecoverCardIdsAsync(cancellationToken);

    /// <summary>Marks the cards a previous process may have left behind; they are written once the loops run.</summary>
    internal async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        foreach (var run in await _recovery.RunsToCatchUpAsync(cancellationToken))
        {
            if ((_actors.RouteOf(run.Id) ?? _options.HomeOf(run)) is { } conversationId)
            {
                _actors.Send(run.Id, conversationId, new RunDirty(run.Id, true, _clock.GetUtcNow()));
            }
        }
    }

    /// <summary>
    /// For tests on a fake clock, instead of starting the service: does all the work that is due now in every
    /// conversation and returns how long until more is due (null: nothing is waiting).
    /// </summary>
    internal async Task<TimeSpan?> PumpAsync(CancellationToken cancellationToken)
    {
        while (_unrouted.Reader.TryRead(out var runId))
        {
            await RouteAsync(runId, cancellationToken);
        }

        return await _actors.PumpAsync(cancellationToken);
    }

    /// <summary>A refresh of a run this process has not seen: its stored card's conversation, else its ReplyTo.</summary>
    private async Task RouteAsync(string runId, CancellationToken cancellationToken)
    {
        try
        {
            var conversationId = (await _chats.GetRunCardAsync(runId, cancellationToken))?.ConversationId;
            if (conversationId is null && await _runs.GetRunAsync(runId, cancellationToken) is { } run)
            {
                conversationId = _options.HomeOf(run);
            }

            if (conversationId is not null)
            {
                _actors.Send(runId, conversationId, new RunDirty(runId, null, _clock.GetUtcNow()));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            PublishingLog.RefreshFailed(_logger, ex, runId);
        }
    }
}
