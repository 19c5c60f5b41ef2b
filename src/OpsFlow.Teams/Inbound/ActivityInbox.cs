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

    /// <summary>True while this host has the activity queued or in hand.</summary>
    internal bool IsHere(string key) => _here.ContainsKey(key);

    /// <summary>The activities this host holds, queued or being handled.</summary>
    internal IReadOnlyCollection<string> KeysHere => [.. _here.Keys];

    internal void Done(string key) => _here.TryRemove(key, out _);

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

    internal void Requeue(InboundActivity activity)
    {
        _here[activity.Key] = true;
        _queue.Writer.TryWrite(new QueuedActivity(activity, default));
    }
}

/// <summary>An accepted activity and the trace context it was delivered under (none after a restart).</summary>
internal readonly record struct QueuedActivity(InboundActivity Inbound, System.Diagnostics.ActivityContext Delivery);
