using System.Collections.Concurrent;
using System.Threading.Channels;
using OpsFlow.Teams.Connector;
using OpsFlow.Chat;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Tests.Publishing;

/// <summary>A connector call held open until the test releases it (or the caller's token is cancelled).</summary>
internal sealed record GatedCall(string Kind, string ConversationId, Activity Activity, CancellationToken Token)
{
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The card's summary ("run r-1: Running"), which names the run.</summary>
    public string Summary => Activity.Summary ?? string.Empty;
}

/// <summary>
/// An <see cref="IConnectorClient"/> whose every call waits for the test: a test reads the calls as they start
/// (<see cref="NextAsync"/>), and so sees what is in flight at once, in which conversations, and in which order.
/// </summary>
internal sealed class GatedConnector : IConnectorClient
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(15);
    private readonly Channel<GatedCall> _started = Channel.CreateUnbounded<GatedCall>();
    private readonly ConcurrentDictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private int _next;
    private int _maxInFlightInOneConversation;
    private int _count;

    /// <summary>The most calls that were in flight at once in one conversation.</summary>
    public int MaxInFlightInOneConversation => Volatile.Read(ref _maxInFlightInOneConversation);

    /// <summary>Calls started so far.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The next call to start; fails the test if none starts within the guard time.</summary>
    public async Task<GatedCall> NextAsync(string waitingFor)
    {
        try
        {
            return await _started.Reader.ReadAsync().AsTask().WaitAsync(Guard, TimeProvider.System);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no connector call started within {Guard}: waiting for {waitingFor}");
        }
    }

    public async Task<string?> SendAsync(ConversationReference conversation, Activity activity, CancellationToken cancellationToken = default)
    {
        await PassAsync("Send", conversation, activity, cancellationToken);
        return $"activity-{Interlocked.Increment(ref _next)}";
    }

    public Task<string?> ReplyAsync(ConversationReference conversation, string replyToId, Activity activity, CancellationToken cancellationToken = default) =>
        SendAsync(conversation, activity, cancellationToken);

    public Task UpdateAsync(ConversationReference conversation, string activityId, Activity activity, CancellationToken cancellationToken = default) =>
        PassAsync("Update", conversation, activity, cancellationToken);

    /// <summary>Not gated: the card loops this connector is for never open 1:1 chats.</summary>
    public Task<string> CreatePersonalConversationAsync(ChatUser user, CancellationToken cancellationToken = default) =>
        Task.FromResult($"personal-{user.UserId}");

    public Task<ConversationMember?> GetMemberAsync(ConversationReference conversation, string userId, CancellationToken cancellationToken = default) =>
        Task.FromResult<ConversationMember?>(null);

    private async Task PassAsync(string kind, ConversationReference conversation, Activity activity, CancellationToken cancellationToken)
    {
        var inFlight = _inFlight.AddOrUpdate(conversation.ConversationId, 1, (_, n) => n + 1);
        int max;
        while ((max = MaxInFlightInOneConversation) < inFlight && Interlocked.CompareExchange(ref _maxInFlightInOneConversation, inFlight, max) != max)
        {
        }

        Interlocked.Increment(ref _count);
        var call = new GatedCall(kind, conversation.ConversationId, activity, cancellationToken);
        _started.Writer.TryWrite(call);
        try
        {
            await call.Release.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            _inFlight.AddOrUpdate(conversation.ConversationId, 0, (_, n) => n - 1);
        }
    }
}
