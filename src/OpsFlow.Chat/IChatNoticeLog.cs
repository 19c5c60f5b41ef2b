namespace OpsFlow.Chat;

/// <summary>What became of a claim to send a notification.</summary>
public enum NoticeClaim
{
    /// <summary>The caller sends it now (nobody had, or a claim whose sender died lapsed).</summary>
    Claimed,
    /// <summary>It was sent already: do nothing.</summary>
    Sent,
    /// <summary>Another sender (another host, or this process before a restart) is sending it: look again later.</summary>
    ClaimedElsewhere,
}

/// <summary>
/// Which notifications (approval requested, run failed, scheduled result) were sent, kept in the database so that
/// neither a restart nor a run moving to another host announces one twice. A sender claims a notification before it
/// sends it and marks it sent after; a claim left unsent by a sender that died lapses, and the notification is sent
/// again (at least once, like a card write).
/// </summary>
public interface IChatNoticeLog
{
    /// <param name="claimant">The sending publisher: its own claim stays its own across retries.</param>
    /// <param name="staleBefore">An unsent claim of another claimant made before this lapses.</param>
    Task<NoticeClaim> ClaimNoticeAsync(string key, string runId, string claimant, DateTimeOffset at, DateTimeOffset staleBefore, CancellationToken cancellationToken = default);

    Task CompleteNoticeAsync(string key, string claimant, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Sending failed for good: the claim goes, so a later change of the run (on any host) may try again.</summary>
    Task ReleaseNoticeAsync(string key, string claimant, CancellationToken cancellationToken = default);
}
