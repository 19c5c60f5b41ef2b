using OpsFlow.Chat;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Publishing;

/// <summary>What one conversation's loop knows about one run's card. Owned by that loop: no other thread touches it.</summary>
internal sealed class RunSlot(string runId)
{
    public string RunId { get; } = runId;

    /// <summary>True once the stored card and the conversation reference have been looked up.</summary>
    public bool Prepared { get; set; }

    public ConversationReference? Reference { get; set; }

    /// <summary>True once a card was posted; <see cref="ActivityId"/> is null when the channel gave no id to update.</summary>
    public bool Posted { get; set; }

    public string? ActivityId { get; set; }

    /// <summary>When this process claimed the run's first card (see <see cref="FirstCardClaim"/>); null: it did not.</summary>
    public DateTimeOffset? ClaimedAt { get; set; }

    /// <summary>
    /// This process's card took over a claim a dead process left: that process's card may be in the conversation too,
    /// and this one says it replaces it. Known only to the process that posted it.
    /// </summary>
    public bool Replacement { get; set; }

    public bool Dirty { get; private set; }

    public DateTimeOffset DirtySince { get; private set; }

    public DateTimeOffset? LastFlush { get; set; }

    /// <summary>The run reached a final state: flush without waiting, then forget the run.</summary>
    public bool Final { get; set; }

    public int Failures { get; set; }

    public DateTimeOffset RetryAt { get; set; }

    /// <summary>False when a write was already pending: this change rides along with it.</summary>
    public bool MarkDirty(DateTimeOffset now)
    {
        if (Dirty)
        {
            return false;
        }

        Dirty = true;
        DirtySince = now;
        return true;
    }

    public void MarkClean() => Dirty = false;

    /// <summary>A write failed: the card stays dirty and is tried again after a growing pause.</summary>
    public TimeSpan Failed(DateTimeOffset now)
    {
        MarkDirty(now);
        Failures++;
        var delay = Backoff(Failures);
        RetryAt = now + delay;
        return delay;
    }

    public void Succeeded(DateTimeOffset now)
    {
        Failures = 0;
        RetryAt = DateTimeOffset.MinValue;
        LastFlush = now;
    }

    public static TimeSpan Backoff(int failures) => TimeSpan.FromSeconds(Math.Min(60, 2 * Math.Pow(2, Math.Max(0, failures - 1))));
}

/// <summary>A notification waiting for its turn in the conversation's rate budget.</summary>
internal sealed record PendingNotice(string RunId, RunNotification Notification, ConversationReference Reference)
{
    public DateTimeOffset NotBefore { get; init; }

    public int Failures { get; init; }
}
