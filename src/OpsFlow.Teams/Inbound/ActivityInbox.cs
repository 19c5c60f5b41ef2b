using System.Text;
using System.Threading.Channels;
using OpsFlow.Chat;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Inbound;

/// <summary>
/// Inbound activities waiting for background handling. An activity is written to the store before the HTTP answer,
/// so a re-delivery (same id) is refused and a crash before it is handled loses nothing: it is handled after the
/// restart (see <see cref="ActivityProcessor"/>).
/// </summary>
public sealed class ActivityInbox(IChatStore store, TeamsOptions options, TimeProvider clock)
{
    private readonly Channel<QueuedActivity> _queue = Channel.CreateUnbounded<QueuedActivity>(new UnboundedChannelOptions { SingleReader = true });

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _here = new(StringComparer.Ordinal);

    internal ChannelReader<QueuedActivity> Reader => _queue.Reader;

    /// <summary>
    /// Activities handled here whose "handled" the store has not recorded yet: they no longer take a slot, but are
    /// still this host's, so nothing queues them again (<see cref="Requeue"/>).
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _finishing = new(StringComparer.Ordinal);

    /// <summary>True while this host has the activity queued, in hand, or being recorded as handled.</summary>
    internal bool IsHere(string key) => _here.ContainsKey(key) || _finishing.ContainsKey(key);

    /// <summary>The activities this host holds, queued or being handled.</summary>
    internal IReadOnlyCollection<string> KeysHere => [.. _here.Keys];

    /// <summary>Frees the activity's slot; it stays this host's until <see cref="Recorded"/>.</summary>
    internal void Done(string key)
    {
        // In this order: at every moment the key is in one of the two sets, which Requeue relies on.
        _finishing[key] = true;
        _here.TryRemove(key, out _);
    }

    /// <summary>The store has recorded the activity handled (or failed to: it is then pending for the next start).</summary>
    internal void Recorded(string key) => _finishing.TryRemove(key, out _);

    /// <summary>
    /// True when this host holds as many activities as it may (<see cref="TeamsOptions.MaxQueuedActivities"/>): a new
    /// one is refused before it is stored, and the channel delivers it again later. What is already accepted (and what
    /// a restart or another host's death hands over) is always taken.
    /// </summary>
    public bool IsFull => _here.Count >= options.MaxQueuedActivities;

    /// <summary>False when the activity was seen before: it is not handled again.</summary>
    public async Task<bool> AcceptAsync(Activity activity, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var inbound = new InboundActivity(ActivityReader.KeyOf(activity), Encoding.UTF8.GetString(body.Span), clock.GetUtcNow());
        if (!await store.TryAcceptAsync(inbound, cancellationToken))
        {
            return false;
        }

        _here[inbound.Key] = true;
        // The HTTP request's span, so the background handling can link back to the delivery.
        _queue.Writer.TryWrite(new QueuedActivity(inbound, System.Diagnostics.Activity.Current?.Context ?? default));
        return true;
    }

    /// <summary>
    /// Queues an accepted activity found pending in the store (at start, or a dead host's). False, and nothing queued,
    /// when this host holds it already: the start-up replay reads the store while the endpoint is already accepting,
    /// so it can find an activity that this process has just queued, or handled but not yet recorded, and handling it
    /// twice answered a command twice (seen as a second "chat message" span without its run in the telemetry test,
    /// series J).
    /// </summary>
    internal bool Requeue(InboundActivity activity)
    {
        if (_finishing.ContainsKey(activity.Key) || !_here.TryAdd(activity.Key, true))
        {
            return false;
        }

        if (_finishing.ContainsKey(activity.Key))
        {
            // Done ran between the two looks: it was handled here after all.
            _here.TryRemove(activity.Key, out _);
            return false;
        }

        _queue.Writer.TryWrite(new QueuedActivity(activity, default));
        return true;
    }
}

/// <summary>An accepted activity and the trace context it was delivered under (none after a restart).</summary>
internal readonly record struct QueuedActivity(InboundActivity Inbound, System.Diagnostics.ActivityContext Delivery);
