using System.Threading.Channels;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Api;

/// <summary>
/// Hands the engine's committed changes to live viewers (the dashboard's event streams) without ever making
/// the engine wait: each viewer has a one-slot channel that keeps only the latest change, because a viewer
/// re-reads the whole run anyway and needs to know only that something changed since it last looked.
/// </summary>
internal sealed class RunEventHub(ApiOptions options, SharedRunFeed feed, bool shared) : IRunObserver
{
    // A plain lock: held only to add, remove or copy a run's few viewers, never while anyone waits.
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Subscription>> _viewers = new(StringComparer.Ordinal);
    // Several hosts: the one database watch per viewed run (SharedRunFeed), stopped with the run's last viewer.
    private readonly Dictionary<string, CancellationTokenSource> _watches = new(StringComparer.Ordinal);
    private int _open;

    /// <summary>A new viewer, or null when <see cref="ApiOptions.MaxEventStreams"/> are open already.</summary>
    public Subscription? TrySubscribe(string runId)
    {
        var subscription = new Subscription(this, runId);
        lock (_gate)
        {
            if (_open >= options.MaxEventStreams)
            {
                return null;
            }

            _open++;
            if (!_viewers.TryGetValue(runId, out var viewers))
            {
                _viewers[runId] = viewers = [];
                if (shared)
                {
                    var stop = new CancellationTokenSource();
                    _watches[runId] = stop;
                    // Not read yet (the viewer reads after subscribing): the first look announces, and the viewer skips a version it has.
                    _ = feed.WatchAsync(runId, known: -1, changed => Announce(runId, changed), stop.Token);
                }
            }

            viewers.Add(subscription);
        }

        return subscription;
    }

    public ValueTask OnRunChangedAsync(RunChanged change, CancellationToken cancellationToken = default)
    {
        Announce(change.Run.Id, change.Run.Version);
        return ValueTask.CompletedTask;
    }

    private void Announce(string runId, long version)
    {
        Subscription[] viewers;
        lock (_gate)
        {
            viewers = _viewers.TryGetValue(runId, out var found) ? [.. found] : [];
        }

        foreach (var viewer in viewers)
        {
            viewer.Changed.Writer.TryWrite(version);
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
        {
            if (_viewers.TryGetValue(subscription.RunId, out var viewers) && viewers.Remove(subscription))
            {
                _open--;
                if (viewers.Count == 0)
                {
                    _viewers.Remove(subscription.RunId);
                    if (_watches.Remove(subscription.RunId, out var watch))
                    {
                        watch.Cancel();
                        watch.Dispose();
                    }
                }
            }
        }
    }

    /// <summary>One viewer of one run; dispose it when the viewer leaves.</summary>
    internal sealed class Subscription(RunEventHub hub, string runId) : IDisposable
    {
        public string RunId { get; } = runId;

        /// <summary>The version of the latest change not yet read.</summary>
        public Channel<long> Changed { get; } = Channel.CreateBounded<long>(
            new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        public void Dispose() => hub.Remove(this);
    }
}
