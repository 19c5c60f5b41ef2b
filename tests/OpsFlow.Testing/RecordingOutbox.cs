using System.Collections.Concurrent;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Testing;

/// <summary>An outbox that keeps what is enqueued and signals the first time something is; it never delivers.</summary>
public sealed class RecordingOutbox : INoticeOutbox
{
    public ConcurrentQueue<NoticeDelivery> Enqueued { get; } = new();

    public TaskCompletionSource Added { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task EnqueueAsync(IReadOnlyCollection<NoticeDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        foreach (var delivery in deliveries)
        {
            Enqueued.Enqueue(delivery);
        }

        Added.TrySetResult();
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<NoticeDelivery>> ClaimDueAsync(string channel, string claimant, DateTimeOffset now, DateTimeOffset staleBefore, int take, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<NoticeDelivery>>([]);

    public Task MarkSentAsync(NoticeDelivery delivery, DateTimeOffset at, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task MarkFailedAsync(NoticeDelivery delivery, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<IReadOnlyList<NoticeDelivery>> ListAsync(bool failedOnly, int take, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<NoticeDelivery>>([]);
}
