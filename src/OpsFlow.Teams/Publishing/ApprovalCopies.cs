using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpsFlow.Chat;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Teams.Publishing;

/// <summary>
/// Approvers in person (docs/teams.md, "Where each notice goes"): keeps every approver's 1:1 copy of a waiting approval
/// in step with the run, through <see cref="ApprovalCopyWriter"/>, one run at a time. A run is looked at when the engine
/// changes it in a way that may concern copies (a step starts waiting, or the run has copies open here), and every
/// <see cref="SweepInterval"/> for all runs waiting for approval or with open copies: that sends what a restart or a
/// failed post left unsent, and closes copies of approvals decided on another host.
/// </summary>
public sealed class ApprovalCopies : BackgroundService, IRunObserver
{
    public static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private const int MaxSweptRuns = 500;

    private readonly ApprovalCopyWriter _writer;
    private readonly IRunStore _runs;
    private readonly IPersonalChats _people;
    private readonly TimeProvider _clock;
    private readonly ILogger<ApprovalCopies> _logger;
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Runs queued and not yet looked at: a burst of changes to one run is looked at once.</summary>
    private readonly ConcurrentDictionary<string, byte> _queued = new(StringComparer.Ordinal);

    /// <summary>Runs with copies open that this process knows of: their every change may need the copies drawn again.</summary>
    private readonly ConcurrentDictionary<string, byte> _open = new(StringComparer.Ordinal);

    public ApprovalCopies(
        RunCardSource source,
        IRunStore runs,
        IPersonalChats people,
        IChatNoticeLog notices,
        Connector.IConnectorClient connector,
        ActorDirectory directory,
        TimeProvider clock,
        ILogger<ApprovalCopies> logger)
    {
        _writer = new ApprovalCopyWriter(source, people, notices, connector, directory, clock, logger);
        _runs = runs;
        _people = people;
        _clock = clock;
        _logger = logger;
    }

    public ValueTask OnRunChangedAsync(RunChanged change, CancellationToken cancellationToken = default)
    {
        if (_open.ContainsKey(change.Run.Id) || change.Steps.Any(s => s.Status == StepStatus.Waiting))
        {
            Enqueue(change.Run.Id);
        }

        return ValueTask.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sweeps = SweepAsync(stoppingToken);
        try
        {
            await foreach (var runId in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                await SyncAsync(runId, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is left is looked at by the next start's first sweep.
        }

        await sweeps;
    }

    /// <summary>Looks at one run now (tests call it on a fake clock instead of starting the service).</summary>
    internal async Task SyncAsync(string runId, CancellationToken cancellationToken)
    {
        _queued.TryRemove(runId, out _);
        try
        {
            if (await _writer.SyncAsync(runId, cancellationToken))
            {
                _open[runId] = 0;
            }
            else
            {
                _open.TryRemove(runId, out _);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            PublishingLog.ApprovalCopiesFailed(_logger, ex, runId);
        }
    }

    /// <summary>Queues every run waiting for approval or with open copies (tests call it instead of waiting for the sweep).</summary>
    internal async Task QueueSweepAsync(CancellationToken cancellationToken)
    {
        foreach (var active in await _runs.GetActiveRunsAsync(cancellationToken))
        {
            if (active.Run.Status == RunStatus.WaitingForApproval)
            {
                Enqueue(active.Run.Id);
            }
        }

        foreach (var runId in await _people.GetRunsWithOpenCopiesAsync(MaxSweptRuns, cancellationToken))
        {
            Enqueue(runId);
        }
    }

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await QueueSweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                PublishingLog.ApprovalCopiesSweepFailed(_logger, ex);
            }

            try
            {
                await Task.Delay(SweepInterval, _clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private void Enqueue(string runId)
    {
        if (_queued.TryAdd(runId, 0))
        {
            _queue.Writer.TryWrite(runId);
        }
    }
}
