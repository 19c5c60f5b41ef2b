using System.Collections.Concurrent;

namespace OpsFlow.Teams.Publishing;

/// <summary>
/// Finds or starts the loop of a conversation, and remembers which conversation each run's card lives in (its
/// ReplyTo until /status or a stored card says otherwise). The loops do not run before <see cref="Start"/>: until then
/// messages wait in their inboxes, which is how the publisher keeps every card write behind the journal's recovery.
/// </summary>
internal sealed class ConversationActors(PublishingParts parts)
{
    private readonly ConcurrentDictionary<string, ConversationActor> _actors = new(StringComparer.Ordinal);
    private readonly BoundedCache<string, string> _routes = new(10_000);
    private CancellationToken _stopping;
    private volatile bool _started;

    /// <summary>The conversation that holds the run's card, if this process knows it.</summary>
    public string? RouteOf(string runId) => _routes.TryGet(runId, out var conversationId) ? conversationId : null;

    /// <summary>Sends a message about a run to its conversation's loop, remembering the route if it is new.</summary>
    public void Send(string runId, string conversationId, ConversationMessage message)
    {
        if (RouteOf(runId) is null)
        {
            _routes.Set(runId, conversationId);
        }

        Post(conversationId, message);
    }

    /// <summary>A loop found the run's card stored in another conversation: the route follows it, and so does the message.</summary>
    public void Hand(string runId, string conversationId, ConversationMessage message)
    {
        _routes.Set(runId, conversationId);
        Post(conversationId, message);
    }

    /// <summary>A fresh card was posted in <paramref name="conversationId"/>: the conversation that had the run's card lets it go.</summary>
    public void Moved(string runId, string conversationId)
    {
        var before = RouteOf(runId);
        _routes.Set(runId, conversationId);
        if (before is not null && before != conversationId)
        {
            Post(before, new MovedAway(runId, conversationId));
        }
    }

    public void ForgetRoute(string runId, string conversationId)
    {
        if (RouteOf(runId) == conversationId)
        {
            _routes.Remove(runId);
        }
    }

    public void Post(string conversationId, ConversationMessage message)
    {
        // Only an ended loop refuses a message, and it has left the dictionary first: the next lookup makes a new one.
        while (true)
        {
            var actor = _actors.GetOrAdd(conversationId, id => new ConversationActor(id, parts, this));
            if (_started)
            {
                actor.Start(_stopping);
            }

            if (actor.TryPost(message))
            {
                return;
            }
        }
    }

    public void Remove(ConversationActor actor) => _actors.TryRemove(new KeyValuePair<string, ConversationActor>(actor.ConversationId, actor));

    /// <summary>Starts every loop, now and from now on; they stop when <paramref name="stopping"/> is cancelled.</summary>
    public void Start(CancellationToken stopping)
    {
        _stopping = stopping;
        _started = true;
        foreach (var actor in _actors.Values)
        {
            actor.Start(stopping);
        }
    }

    /// <summary>Completes when every loop has stopped (after the token given to <see cref="Start"/> is cancelled).</summary>
    public Task WhenStoppedAsync() => Task.WhenAll(_actors.Values.Select(a => a.Completion));

    /// <summary>
    /// For tests on a fake clock, instead of <see cref="Start"/>: one turn of every conversation, side by side, again
    /// while any received a message from another; returns how long until more is due (null: nothing is waiting).
    /// </summary>
    internal async Task<TimeSpan?> PumpAsync(CancellationToken cancellationToken)
    {
        if (_started)
        {
            throw new InvalidOperationException("The conversation loops are running; a pump would read their inboxes too.");
        }

        TimeSpan?[] waits;
        do
        {
            waits = await Task.WhenAll(_actors.Values.Select(a => a.TurnAsync(cancellationToken)));
        }
        while (_actors.Values.Any(a => a.HasMail));

        return waits.Where(w => w is not null).DefaultIfEmpty(null).Min();
    }
}
