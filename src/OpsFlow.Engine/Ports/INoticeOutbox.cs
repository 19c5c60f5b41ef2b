using System.Text.Json.Serialization;

namespace OpsFlow.Engine.Ports;

/// <summary>How much a notice matters; routes (OpsFlow:Notifications:Routes) send each level to its channels.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NoticeLevel>))]
public enum NoticeLevel
{
    Info,
    Warning,
    Error,
    Critical,
}

/// <summary>
/// One notice for one channel ("email:oncall", "webhook:pager", "teams:ops"). <see cref="Key"/> names the event (the
/// run and what happened), so the same event is delivered once per channel whichever host saw it first.
/// </summary>
public sealed record NoticeDelivery(string Key, string Channel, string RunId, NoticeLevel Level, string Subject, string Text, DateTimeOffset CreatedAt)
{
    public int Attempts { get; init; }

    /// <summary>Not tried before this time (the backoff after a failed attempt).</summary>
    public DateTimeOffset NextAt { get; init; }

    public DateTimeOffset? SentAt { get; init; }

    /// <summary>Why the last attempt failed; kept after a later success for the record.</summary>
    public string? LastError { get; init; }

    /// <summary>Every attempt failed: nothing more is tried, and the dashboard lists it.</summary>
    public bool GaveUp { get; init; }
}

/// <summary>
/// Notices waiting to be delivered, durable like the chat notice log: a delivery is stored before it is tried,
/// claimed by one sender at a time (a claim whose sender died lapses), marked sent, or retried with backoff and given
/// up after its last attempt. Each channel is claimed on its own, so one channel failing never holds up another.
/// </summary>
public interface INoticeOutbox
{
    /// <summary>Adds the deliveries; one already there (same key and channel) is left as it is.</summary>
    Task EnqueueAsync(IReadOnlyCollection<NoticeDelivery> deliveries, CancellationToken cancellationToken = default);

    /// <summary>Claims up to <paramref name="take"/> due deliveries of one channel for <paramref name="claimant"/>, oldest first.</summary>
    Task<IReadOnlyList<NoticeDelivery>> ClaimDueAsync(string channel, string claimant, DateTimeOffset now, DateTimeOffset staleBefore, int take, CancellationToken cancellationToken = default);

    Task MarkSentAsync(NoticeDelivery delivery, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Records a failed attempt: tried again at <paramref name="retryAt"/>, or given up when it is null.</summary>
    Task MarkFailedAsync(NoticeDelivery delivery, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken = default);

    /// <summary>The newest deliveries, or only those that failed (given up, or failing and waiting to retry).</summary>
    Task<IReadOnlyList<NoticeDelivery>> ListAsync(bool failedOnly, int take, CancellationToken cancellationToken = default);
}
