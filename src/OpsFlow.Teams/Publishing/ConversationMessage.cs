using OpsFlow.Chat;

namespace OpsFlow.Teams.Publishing;

/// <summary>What a conversation's loop is told; it is the only reader, so the state it owns needs no lock.</summary>
internal abstract record ConversationMessage;

/// <summary>
/// The run changed at <paramref name="At"/> (or a refresh was asked for): its card is written soon.
/// <paramref name="Final"/> null keeps what was known.
/// </summary>
internal sealed record RunDirty(string RunId, bool? Final, DateTimeOffset At) : ConversationMessage;

/// <summary>/status: post a fresh card for the run here and keep that one up to date; the caller awaits <paramref name="Done"/>.</summary>
internal sealed record PostCard(string RunId, ConversationReference Reference, TaskCompletionSource Done, CancellationToken CancellationToken) : ConversationMessage;

/// <summary>The run's card now lives in another conversation: this loop forgets it, and hands on a write still pending.</summary>
internal sealed record MovedAway(string RunId, string To) : ConversationMessage;
