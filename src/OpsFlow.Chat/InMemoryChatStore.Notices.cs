using System.Collections.Concurrent;

namespace OpsFlow.Chat;

public sealed partial class InMemoryChatStore
{
    private readonly ConcurrentDictionary<string, (string Claimant, DateTimeOffset ClaimedAt, bool Sent)> _notices = new(StringComparer.Ordinal);

    public Task<NoticeClaim> ClaimNoticeAsync(string key, string runId, string claimant, DateTimeOffset at, DateTimeOffset staleBefore, CancellationToken cancellationToken = default)
    {
        var claim = (claimant, at, false);
        while (true)
        {
            if (_notices.TryAdd(key, claim))
            {
                return Task.FromResult(NoticeClaim.Claimed);
            }

            if (!_notices.TryGetValue(key, out var held))
            {
                continue;
            }

            if (held.Sent)
            {
                return Task.FromResult(NoticeClaim.Sent);
            }

            if (held.Claimant != claimant && held.ClaimedAt >= staleBefore)
            {
                return Task.FromResult(NoticeClaim.ClaimedElsewhere);
            }

            if (_notices.TryUpdate(key, claim, held))
            {
                return Task.FromResult(NoticeClaim.Claimed);
            }
        }
    }

    public Task CompleteNoticeAsync(string key, string claimant, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        if (_notices.TryGetValue(key, out var held) && held.Claimant == claimant)
        {
            _notices.TryUpdate(key, (claimant, held.ClaimedAt, true), held);
        }

        return Task.CompletedTask;
    }

    public Task ReleaseNoticeAsync(string key, string claimant, CancellationToken cancellationToken = default)
    {
        if (_notices.TryGetValue(key, out var held) && held.Claimant == claimant && !held.Sent)
        {
            _notices.TryRemove(new KeyValuePair<string, (string, DateTimeOffset, bool)>(key, held));
        }

        return Task.CompletedTask;
    }

    private void PruneNotices(DateTimeOffset before)
    {
        foreach (var old in _notices.Where(n => n.Value.ClaimedAt < before).ToArray())
        {
            _notices.TryRemove(old);
        }
    }
}
